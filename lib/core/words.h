// The word filter of moderation ([moderation] words): a list of words and phrases found in
// text however they are dressed up. Text and list are compared in a normalised form:
// full-width forms as their ASCII (ｆｕｃｋ = fuck), ASCII letters in lower case, and what
// separates letters dropped (spaces, ASCII punctuation, the general and CJK punctuation
// blocks, zero-width characters), so that f.u.c.k, F U C K and 加-微-信 are found too. One
// Aho-Corasick automaton over the normalised list finds every match in one pass over the
// text. Immutable once built; thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace dt {

class WordFilter {
 public:
  // One word or phrase per line; empty lines and lines starting with '#' are skipped, and a
  // line that normalises to nothing is ignored.
  static WordFilter FromList(std::string_view text);

  size_t size() const { return words_; }

  // How many matches `text` holds (overlapping ones each count).
  int Count(std::string_view text) const;

  // `text` with every character of each match (and the separators inside it) as '*', one
  // per character; *matches as Count gives.
  std::string Mask(std::string_view text, int* matches) const;

  // The normalised characters of `text`, each with the byte range [first, second) of the
  // text it came from. Invalid UTF-8 bytes stand for themselves.
  static std::u32string Normalize(std::string_view text,
                                  std::vector<std::pair<size_t, size_t>>* spans = nullptr);

 private:
  struct Node {
    std::map<char32_t, int> next;
    int fail = 0;
    std::vector<int> ends;  // lengths of the words ending here (after following fail links)
  };
  // Each match as [first, last] indexes of the normalised text.
  void Find(const std::u32string& text, std::vector<std::pair<size_t, size_t>>* found) const;

  std::vector<Node> nodes_ = std::vector<Node>(1);
  size_t words_ = 0;
};

}  // namespace dt
