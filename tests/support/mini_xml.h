// A deliberately small XML reader for tests: checks that a document is well-formed (one root,
// matching tags, quoted and unique attributes, only the five predefined entities and character
// references, no stray '<' or '&') and returns the element tree, so tests can query what an SVG
// contains without depending on an XML library.
#pragma once

#include <cctype>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace fugong::testing {

struct XmlElement {
  std::string name;
  std::vector<std::pair<std::string, std::string>> attributes;  // values with entities decoded
  std::vector<XmlElement> children;
  std::string text;  // all character data directly inside, entities decoded

  const std::string* Attribute(std::string_view key) const {
    for (const auto& [k, v] : attributes) {
      if (k == key) return &v;
    }
    return nullptr;
  }
  std::string AttributeOr(std::string_view key, std::string fallback = "") const {
    const std::string* v = Attribute(key);
    return v != nullptr ? *v : fallback;
  }
  // This element and every descendant for which `match` holds, in document order.
  void Collect(const std::function<bool(const XmlElement&)>& match,
               std::vector<const XmlElement*>* out) const {
    if (match(*this)) out->push_back(this);
    for (const XmlElement& c : children) c.Collect(match, out);
  }
  std::vector<const XmlElement*> FindAll(std::string_view tag) const {
    std::vector<const XmlElement*> out;
    Collect([&](const XmlElement& e) { return e.name == tag; }, &out);
    return out;
  }
};

class MiniXmlParser {
 public:
  // Returns an empty string when `text` is a well-formed document, else what is wrong and where.
  static std::string Parse(std::string_view text, XmlElement* root) {
    MiniXmlParser p(text);
    return p.Document(root) ? "" : p.error_;
  }

 private:
  explicit MiniXmlParser(std::string_view text) : s_(text) {}

  bool Fail(const std::string& what) {
    if (error_.empty()) error_ = what + " at byte " + std::to_string(i_);
    return false;
  }
  bool AtEnd() const { return i_ >= s_.size(); }
  bool Starts(std::string_view t) const { return s_.substr(i_, t.size()) == t; }
  void SkipSpace() {
    while (!AtEnd() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
  }
  static bool NameStart(char c) {
    return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':' ||
           (static_cast<unsigned char>(c) & 0x80);
  }
  static bool NameChar(char c) {
    return NameStart(c) || std::isdigit(static_cast<unsigned char>(c)) || c == '-' || c == '.';
  }
  bool Name(std::string* out) {
    if (AtEnd() || !NameStart(s_[i_])) return Fail("expected a name");
    const size_t start = i_;
    while (!AtEnd() && NameChar(s_[i_])) ++i_;
    *out = std::string(s_.substr(start, i_ - start));
    return true;
  }
  // Comments and processing instructions, which may appear around and inside elements.
  bool Misc(bool* consumed) {
    *consumed = false;
    if (Starts("<!--")) {
      const size_t end = s_.find("-->", i_ + 4);
      if (end == std::string_view::npos) return Fail("unterminated comment");
      i_ = end + 3;
      *consumed = true;
    } else if (Starts("<?")) {
      const size_t end = s_.find("?>", i_ + 2);
      if (end == std::string_view::npos) return Fail("unterminated processing instruction");
      i_ = end + 2;
      *consumed = true;
    }
    return true;
  }
  // Character data up to `stop`, with references decoded; '<' is never allowed in it.
  bool CharData(std::string_view stop, std::string* out) {
    while (!AtEnd() && stop.find(s_[i_]) == std::string_view::npos) {
      const char c = s_[i_];
      if (c == '<') return Fail("'<' in character data");
      if (c == '&') {
        const size_t semi = s_.find(';', i_);
        if (semi == std::string_view::npos || semi - i_ > 10) return Fail("bad reference");
        const std::string_view ref = s_.substr(i_ + 1, semi - i_ - 1);
        if (ref == "amp")
          *out += '&';
        else if (ref == "lt")
          *out += '<';
        else if (ref == "gt")
          *out += '>';
        else if (ref == "quot")
          *out += '"';
        else if (ref == "apos")
          *out += '\'';
        else if (ref.size() > 1 && ref[0] == '#') {
          const bool hex = ref[1] == 'x';
          const std::string digits(ref.substr(hex ? 2 : 1));
          if (digits.empty() || digits.find_first_not_of(hex ? "0123456789abcdefABCDEF"
                                                             : "0123456789") != std::string::npos) {
            return Fail("bad character reference");
          }
          const unsigned long cp = std::stoul(digits, nullptr, hex ? 16 : 10);
          if (cp < 0x20 && cp != 0x9 && cp != 0xA && cp != 0xD) return Fail("forbidden character");
          *out += '?';  // tests do not need the decoded character
        } else {
          return Fail("unknown entity &" + std::string(ref) + ";");
        }
        i_ = semi + 1;
        continue;
      }
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t' && c != '\n' && c != '\r') {
        return Fail("control character");
      }
      *out += c;
      ++i_;
    }
    return true;
  }
  bool Element(XmlElement* e) {
    if (!Starts("<")) return Fail("expected '<'");
    ++i_;
    if (!Name(&e->name)) return false;
    while (true) {
      const size_t before = i_;
      SkipSpace();
      if (AtEnd()) return Fail("unterminated start tag <" + e->name);
      if (Starts("/>")) {
        i_ += 2;
        return true;
      }
      if (Starts(">")) {
        ++i_;
        break;
      }
      if (i_ == before) return Fail("attributes must be separated by space");
      std::string key, value;
      if (!Name(&key)) return false;
      SkipSpace();
      if (!Starts("=")) return Fail("expected '=' after attribute " + key);
      ++i_;
      SkipSpace();
      if (AtEnd() || (s_[i_] != '"' && s_[i_] != '\'')) return Fail("unquoted attribute " + key);
      const char quote = s_[i_++];
      if (!CharData(std::string_view(&quote, 1), &value)) return false;
      if (AtEnd()) return Fail("unterminated attribute " + key);
      ++i_;
      if (e->Attribute(key) != nullptr) return Fail("duplicate attribute " + key);
      e->attributes.emplace_back(key, value);
    }
    while (true) {
      if (!CharData("<", &e->text)) return false;
      if (AtEnd()) return Fail("unclosed element <" + e->name + ">");
      if (Starts("</")) {
        i_ += 2;
        std::string end;
        if (!Name(&end)) return false;
        if (end != e->name) return Fail("</" + end + "> closes <" + e->name + ">");
        SkipSpace();
        if (!Starts(">")) return Fail("bad end tag");
        ++i_;
        return true;
      }
      if (Starts("<![CDATA[")) {
        const size_t end = s_.find("]]>", i_);
        if (end == std::string_view::npos) return Fail("unterminated CDATA");
        e->text += std::string(s_.substr(i_ + 9, end - i_ - 9));
        i_ = end + 3;
        continue;
      }
      bool misc;
      if (!Misc(&misc)) return false;
      if (misc) continue;
      e->children.emplace_back();
      if (!Element(&e->children.back())) return false;
    }
  }
  bool Document(XmlElement* root) {
    if (Starts("\xEF\xBB\xBF")) i_ += 3;
    bool misc = true;
    while (misc) {
      SkipSpace();
      if (!Misc(&misc)) return false;
    }
    if (Starts("<!DOCTYPE")) return Fail("DOCTYPE not supported");
    if (!Element(root)) return false;
    misc = true;
    while (misc) {
      SkipSpace();
      if (!Misc(&misc)) return false;
    }
    if (!AtEnd()) return Fail("content after the root element");
    return true;
  }

  std::string_view s_;
  size_t i_ = 0;
  std::string error_;
};

}  // namespace fugong::testing
