// The word filter; see words.h.
#include "lib/core/words.h"

#include <deque>

namespace dt {
namespace {

// The next code point of `s` at *i (advanced past it); an invalid byte as itself.
char32_t Next(std::string_view s, size_t* i) {
  const unsigned char c = static_cast<unsigned char>(s[*i]);
  const int n = c < 0x80 ? 0 : (c >> 5) == 6 ? 1 : (c >> 4) == 14 ? 2 : (c >> 3) == 30 ? 3 : -1;
  if (n < 0 || *i + n >= s.size()) {  // not a lead byte, or cut short
    ++*i;
    return c;
  }
  char32_t cp = n == 0 ? c : n == 1 ? (c & 0x1F) : n == 2 ? (c & 0x0F) : (c & 0x07);
  for (int k = 1; k <= n; ++k) {
    const unsigned char cc = static_cast<unsigned char>(s[*i + k]);
    if ((cc >> 6) != 2) {  // not a continuation byte: the lead byte alone
      ++*i;
      return c;
    }
    cp = (cp << 6) | (cc & 0x3F);
  }
  *i += n + 1;
  return cp;
}

// What a separator is: nothing a word is made of.
bool Separator(char32_t c) {
  if (c < 0x80) {
    return !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'));
  }
  return c == 0x00A0 || c == 0x00B7 || (c >= 0x2000 && c <= 0x206F) ||  // general punctuation
         (c >= 0x3000 && c <= 0x303F) ||                                // CJK punctuation
         c == 0x30FB || c == 0xFEFF || c == 0xFF65 || (c >= 0xFE30 && c <= 0xFE4F);
}

// Full-width forms as ASCII, ASCII in lower case.
char32_t Fold(char32_t c) {
  if (c >= 0xFF01 && c <= 0xFF5E) c -= 0xFEE0;
  if (c == 0x3000) c = ' ';
  if (c >= 'A' && c <= 'Z') c += 'a' - 'A';
  return c;
}

}  // namespace

std::u32string WordFilter::Normalize(std::string_view text,
                                     std::vector<std::pair<size_t, size_t>>* spans) {
  std::u32string out;
  for (size_t i = 0; i < text.size();) {
    const size_t start = i;
    const char32_t c = Fold(Next(text, &i));
    if (Separator(c)) continue;
    out.push_back(c);
    if (spans) spans->emplace_back(start, i);
  }
  return out;
}

WordFilter WordFilter::FromList(std::string_view text) {
  WordFilter f;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty() || line[0] == '#') continue;
    const std::u32string word = Normalize(line);
    if (word.empty()) continue;
    int node = 0;
    for (char32_t c : word) {
      auto it = f.nodes_[node].next.find(c);
      if (it == f.nodes_[node].next.end()) {
        f.nodes_.emplace_back();
        const int child = static_cast<int>(f.nodes_.size()) - 1;
        f.nodes_[node].next[c] = child;
        node = child;
      } else {
        node = it->second;
      }
    }
    f.nodes_[node].ends.push_back(static_cast<int>(word.size()));
    ++f.words_;
  }
  // Fail links, breadth first; each node's ends include those of its fail chain.
  std::deque<int> queue;
  for (const auto& [c, child] : f.nodes_[0].next) queue.push_back(child);
  while (!queue.empty()) {
    const int node = queue.front();
    queue.pop_front();
    for (const auto& [c, child] : f.nodes_[node].next) {
      int fail = f.nodes_[node].fail;
      while (fail != 0 && !f.nodes_[fail].next.count(c)) fail = f.nodes_[fail].fail;
      auto it = f.nodes_[fail].next.find(c);
      f.nodes_[child].fail =
          it != f.nodes_[fail].next.end() && it->second != child ? it->second : 0;
      const std::vector<int>& inherited = f.nodes_[f.nodes_[child].fail].ends;
      f.nodes_[child].ends.insert(f.nodes_[child].ends.end(), inherited.begin(), inherited.end());
      queue.push_back(child);
    }
  }
  return f;
}

void WordFilter::Find(const std::u32string& text,
                      std::vector<std::pair<size_t, size_t>>* found) const {
  int node = 0;
  for (size_t i = 0; i < text.size(); ++i) {
    const char32_t c = text[i];
    while (node != 0 && !nodes_[node].next.count(c)) node = nodes_[node].fail;
    auto it = nodes_[node].next.find(c);
    node = it == nodes_[node].next.end() ? 0 : it->second;
    for (int length : nodes_[node].ends) found->emplace_back(i + 1 - length, i);
  }
}

int WordFilter::Count(std::string_view text) const {
  if (words_ == 0) return 0;
  std::vector<std::pair<size_t, size_t>> found;
  Find(Normalize(text), &found);
  return static_cast<int>(found.size());
}

std::string WordFilter::Mask(std::string_view text, int* matches) const {
  *matches = 0;
  if (words_ == 0) return std::string(text);
  std::vector<std::pair<size_t, size_t>> spans, found;
  Find(Normalize(text, &spans), &found);
  *matches = static_cast<int>(found.size());
  if (found.empty()) return std::string(text);
  // Which bytes are masked: from a match's first character to its last, separators too.
  std::vector<bool> masked(text.size(), false);
  for (const auto& [first, last] : found) {
    for (size_t b = spans[first].first; b < spans[last].second; ++b) masked[b] = true;
  }
  std::string out;
  for (size_t i = 0; i < text.size();) {
    const size_t start = i;
    Next(text, &i);
    if (masked[start]) {
      out.push_back('*');
    } else {
      out.append(text.substr(start, i - start));
    }
  }
  return out;
}

}  // namespace dt
