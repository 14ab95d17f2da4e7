// JsonWriter: the one way replies are made. A streaming writer of compact JSON into a
// string, member by member and element by element, with the API's own forms: money as
// yuan with exactly two decimals (3000 cents -> 30.00, API.md section 1), a fixed number
// of decimals (distances), and pre-rendered JSON (a cached profile's members) copied as it
// is (Members). Strings are escaped as RFC 8259 asks and UTF-8 is kept as it is (an invalid
// sequence, never expected, becomes U+FFFD, so the output is always valid JSON).
//
//     JsonWriter data;                       // an object, open
//     data.Int("order_id", id).Money("fee", cents);
//     data.Array("list");                    // opens a member array
//     data.Object().Int("photo_id", 5).End();
//     data.End();                            // closes the array
//     return Reply::Ok(data);                // closes what is open
//
// Nesting is tracked, commas are written where they belong; using it against its shape
// (a member inside an array) is a programming error the tests of every route would show
// as invalid JSON. A value type; thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace dt {

class JsonWriter {
 public:
  enum class Start {
    kObject,   // "{...}"
    kMembers,  // members without the braces: a fragment for an object written elsewhere
  };
  explicit JsonWriter(Start start = Start::kObject);

  // Members of the open object.
  JsonWriter& Int(std::string_view key, int64_t value);
  JsonWriter& Bool(std::string_view key, bool value);
  JsonWriter& Str(std::string_view key, std::string_view value);
  JsonWriter& Null(std::string_view key);
  JsonWriter& Money(std::string_view key, int64_t cents);
  JsonWriter& Fixed(std::string_view key, double value, int decimals);
  JsonWriter& Object(std::string_view key);  // opens a member object
  JsonWriter& Array(std::string_view key);   // opens a member array
  // Pre-rendered members ("a":1,"b":2), e.g. a cached profile's; nothing when empty.
  JsonWriter& Members(std::string_view members_json);

  // Elements of the open array.
  JsonWriter& Int(int64_t value);
  JsonWriter& Str(std::string_view value);
  JsonWriter& Object();  // opens an element object

  // Closes the innermost open object or array.
  JsonWriter& End();

  // Closes whatever is open and gives the text (the writer is empty afterwards).
  std::string Close();

 private:
  void Key(std::string_view key);
  void Element();
  void Open(char bracket);

  std::string text_;
  std::string open_;  // the closing brackets of what is open, innermost last
  bool comma_ = false;
};

// Appends `s` as a JSON string literal.
void AppendJsonString(std::string_view s, std::string* out);

}  // namespace dt
