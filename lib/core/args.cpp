// The parameter declarations and their parsing; see args.h.
#include "lib/core/args.h"

#include <cstdlib>
#include <stdexcept>
#include <string>

#include "lib/core/context.h"
#include "lib/core/utf8.h"

namespace dt {

Status MissingParam(std::string_view key) {
  return Status::Error(kBadParam, std::string(key) + " is none.");
}

Status InvalidParam(std::string_view key) {
  return Status::Error(kBadParam, std::string(key) + " is invalid.");
}

bool ParseInt64(std::string_view s, int64_t* out) {
  bool negative = !s.empty() && s[0] == '-';
  if (negative) s.remove_prefix(1);
  if (s.empty() || s.size() > 18) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  *out = negative ? -v : v;
  return true;
}

Status RequireString(const Params& params, std::string_view key, std::string* out) {
  const std::string* v = params.Find(key);
  if (!v || v->empty()) return MissingParam(key);
  *out = *v;
  return Status::Ok();
}

std::vector<ArgSpec> PageArgs(int64_t max_count, int64_t default_count) {
  return {IntArg("page", 1, 1000000).Or(1), IntArg("pageCount", 1, max_count).Or(default_count)};
}

namespace {

Status Missing(const ArgSpec& spec) {
  return Status::Error(spec.code, std::string(spec.name) + " is none.");
}

Status Invalid(const ArgSpec& spec) {
  if (spec.invalid_msg) return Status::Error(spec.code, spec.invalid_msg);
  return Status::Error(spec.code, std::string(spec.name) + " is invalid.");
}

bool ParseIdList(std::string_view text, std::vector<int64_t>* ids) {
  if (text.empty()) return true;
  if (text.back() == ',') return false;
  size_t start = 0;
  while (start < text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    int64_t id;
    if (!ParseInt64(text.substr(start, comma - start), &id) || id < 1 || id > kMaxId) return false;
    if (std::find(ids->begin(), ids->end(), id) == ids->end()) ids->push_back(id);
    start = comma + 1;
  }
  return true;
}

// One given value of `spec` into *v; false refuses it.
bool ParseOne(const ArgSpec& spec, std::string_view text, const RequestContext& ctx, ArgValue* v) {
  switch (spec.type) {
    case ArgType::kInt: return ParseInt64(text, &v->i) && v->i >= spec.min && v->i <= spec.max;
    case ArgType::kDecimal:
      if (!ParseDecimal(text, &v->x) || v->x > spec.dmax) return false;
      return spec.dmin_exclusive ? v->x > spec.dmin : v->x >= spec.dmin;
    case ArgType::kIdList: return ParseIdList(text, &v->ids);
    case ArgType::kText: {
      const size_t length = spec.in_bytes ? text.size() : Utf8Length(text);
      if (static_cast<int64_t>(length) < spec.min) return false;
      if (spec.max > 0 && static_cast<int64_t>(length) > spec.max) return false;
      if (spec.no_controls && HasControlChars(text)) return false;
      v->text.assign(text);
      if (!spec.choices.empty()) {
        auto it = std::find_if(spec.choices.begin(), spec.choices.end(),
                               [&](const char* c) { return text == c; });
        if (it == spec.choices.end()) return false;
        v->i = it - spec.choices.begin();
      }
      return !spec.convert || spec.convert(ctx, v);
    }
  }
  return false;
}

}  // namespace

Status ParseArgs(const std::vector<ArgSpec>& specs, const RequestContext& ctx, Args* out) {
  out->specs_ = &specs;
  out->values_.assign(specs.size(), ArgValue());
  out->ok_ = false;
  for (size_t i = 0; i < specs.size(); ++i) {
    const ArgSpec& spec = specs[i];
    ArgValue& v = out->values_[i];
    const std::string* text = ctx.params.Find(spec.name);
    if (!text || (text->empty() && !spec.keep_empty)) {
      if (spec.required) return Missing(spec);
      v.i = spec.fallback;
      v.x = spec.dfallback;
      continue;
    }
    if (!ParseOne(spec, *text, ctx, &v)) return Invalid(spec);
    v.given = true;
  }
  out->ok_ = true;
  return Status::Ok();
}

Status ResolveCaller(int64_t caller, Args* args) {
  if (!args->specs_) return Status::Ok();
  const std::vector<ArgSpec>& specs = *args->specs_;
  for (size_t i = 0; i < specs.size(); ++i) {
    ArgValue& v = args->values_[i];
    if (specs[i].or_caller && !v.given) v.i = caller;
    if (specs[i].not_caller && v.given && v.i == caller) return Invalid(specs[i]);
  }
  return Status::Ok();
}

const ArgSpec& Args::Spec(std::string_view name, size_t* index) const {
  if (specs_) {
    for (size_t i = 0; i < specs_->size(); ++i) {
      if (name == (*specs_)[i].name) {
        *index = i;
        return (*specs_)[i];
      }
    }
  }
  throw std::logic_error("parameter not declared by the route: " + std::string(name));
}

const ArgValue& Args::Value(std::string_view name) const {
  size_t i = 0;
  Spec(name, &i);
  return values_[i];
}

int64_t Args::Int(std::string_view name) const {
  size_t i = 0;
  if (Spec(name, &i).type != ArgType::kInt)
    throw std::logic_error("not an integer: " + std::string(name));
  return values_[i].i;
}

double Args::Decimal(std::string_view name) const {
  size_t i = 0;
  if (Spec(name, &i).type != ArgType::kDecimal)
    throw std::logic_error("not a decimal: " + std::string(name));
  return values_[i].x;
}

const std::string& Args::Text(std::string_view name) const {
  size_t i = 0;
  if (Spec(name, &i).type != ArgType::kText)
    throw std::logic_error("not a text: " + std::string(name));
  return values_[i].text;
}

const std::vector<int64_t>& Args::Ids(std::string_view name) const {
  size_t i = 0;
  if (Spec(name, &i).type != ArgType::kIdList)
    throw std::logic_error("not an id list: " + std::string(name));
  return values_[i].ids;
}

Page PageOf(const Args& args) {
  Page page;
  page.page = args.Int("page");
  page.count = args.Int("pageCount");
  return page;
}

bool ParseDecimal(std::string_view text, double* out) {
  const size_t dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (whole.empty() || whole.size() > 9 || fraction.size() > 9) return false;
  if (dot != std::string_view::npos && fraction.empty()) return false;
  if (whole.find_first_not_of("0123456789") != std::string_view::npos ||
      fraction.find_first_not_of("0123456789") != std::string_view::npos) {
    return false;
  }
  *out = std::strtod(std::string(text).c_str(), nullptr);  // the C locale: never changed
  return true;
}

bool ParseMoney(std::string_view text, int64_t* cents) {
  size_t dot = text.find('.');
  std::string_view yuan = text.substr(0, dot);
  std::string_view fraction = dot == std::string_view::npos ? "" : text.substr(dot + 1);
  if (yuan.empty() || yuan.size() > 9 || fraction.size() > 2) return false;
  if (dot != std::string_view::npos && fraction.empty()) return false;
  int64_t whole = 0, part = 0;
  for (char c : yuan) {
    if (c < '0' || c > '9') return false;
    whole = whole * 10 + (c - '0');
  }
  for (char c : fraction) {
    if (c < '0' || c > '9') return false;
    part = part * 10 + (c - '0');
  }
  if (fraction.size() == 1) part *= 10;
  *cents = whole * 100 + part;
  return true;
}

}  // namespace dt
