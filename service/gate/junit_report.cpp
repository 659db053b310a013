#include "gate/junit_report.hpp"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

namespace runhub::service::ci_gate {

// Escapes for XML 1.0 text and attribute values: markup characters as entities, line breaks
// and tabs as character references (kept in attributes), characters XML cannot carry at all
// (other C0 controls, U+FFFE/U+FFFF) and bytes that are not UTF-8 as U+FFFD.
std::string xml_escape(std::string_view s) {
    static const std::string replacement = "\xEF\xBF\xBD";
    std::string out;
    out.reserve(s.size() + 16);
    const auto* p = reinterpret_cast<const unsigned char*>(s.data());
    const std::size_t n = s.size();
    std::size_t i = 0;
    while (i < n) {
        unsigned char c = p[i];
        if (c < 0x80) {
            switch (c) {
                case '&':
                    out += "&amp;";
                    break;
                case '<':
                    out += "&lt;";
                    break;
                case '>':
                    out += "&gt;";
                    break;
                case '"':
                    out += "&quot;";
                    break;
                case '\'':
                    out += "&apos;";
                    break;
                case '\n':
                    out += "&#10;";
                    break;
                case '\r':
                    out += "&#13;";
                    break;
                case '\t':
                    out += "&#9;";
                    break;
                default:
                    if (c < 0x20 || c == 0x7f)
                        out += replacement;
                    else
                        out += static_cast<char>(c);
            }
            ++i;
            continue;
        }
        std::size_t len = 0;
        std::uint32_t cp = 0;
        if ((c & 0xE0) == 0xC0) {
            len = 2;
            cp = c & 0x1F;
        } else if ((c & 0xF0) == 0xE0) {
            len = 3;
            cp = c & 0x0F;
        } else if ((c & 0xF8) == 0xF0) {
            len = 4;
            cp = c & 0x07;
        }
        bool ok = len != 0 && i + len <= n;
        for (std::size_t k = 1; ok && k < len; ++k) {
            if ((p[i + k] & 0xC0) != 0x80)
                ok = false;
            else
                cp = (cp << 6) | (p[i + k] & 0x3F);
        }
        // A well-formed sequence of a character XML cannot carry (a surrogate, U+FFFE, U+FFFF,
        // beyond U+10FFFF, an overlong form) is one U+FFFD; a broken one is one per byte.
        const std::uint32_t min[] = {0, 0, 0x80, 0x800, 0x10000};
        if (ok && cp >= min[len] && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF) &&
            cp != 0xFFFE && cp != 0xFFFF) {
            out.append(s.substr(i, len));
            i += len;
        } else {
            out += replacement;
            i += ok ? len : 1;
        }
    }
    return out;
}

namespace {
std::string seconds_text(long long millis) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%03lld", millis / 1000, millis % 1000);
    return buf;
}
}  // namespace

std::string junit_xml(const run_view& run, const std::vector<failure_view>& failures,
                      const std::vector<synthetic_error>& errors) {
    const long long listed = static_cast<long long>(failures.size() + errors.size());
    const long long tests = std::max(run.counts ? run.counts->total : 0, listed);
    std::ostringstream x;
    x << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
    x << "<testsuite name=\"" << xml_escape(run.id) << "\" tests=\"" << tests << "\" failures=\""
      << failures.size() << "\" errors=\"" << errors.size() << "\"";
    if (run.counts) x << " skipped=\"" << run.counts->skipped << "\"";
    if (run.duration_ms) x << " time=\"" << seconds_text(*run.duration_ms) << "\"";
    x << ">\n  <properties>\n";
    x << "    <property name=\"runhub.run_id\" value=\"" << xml_escape(run.id) << "\"/>\n";
    x << "    <property name=\"runhub.status\" value=\"" << xml_escape(run.status) << "\"/>\n";
    if (!run.web_url.empty())
        x << "    <property name=\"runhub.web_url\" value=\"" << xml_escape(run.web_url)
          << "\"/>\n";
    x << "  </properties>\n";
    for (const auto& f : failures) {
        const std::string classname = !f.suite.empty() ? f.suite : run.source;
        x << "  <testcase name=\"" << xml_escape(f.name.empty() ? "(unnamed)" : f.name)
          << "\" classname=\"" << xml_escape(classname) << "\"";
        if (f.duration_ms) x << " time=\"" << seconds_text(*f.duration_ms) << "\"";
        x << ">\n    <failure message=\"" << xml_escape(f.message) << "\" type=\"failure\">"
          << xml_escape(f.message);
        if (!f.location.empty()) x << "&#10;at " << xml_escape(f.location);
        if (!f.web_url.empty()) x << "&#10;" << xml_escape(f.web_url);
        x << "</failure>\n  </testcase>\n";
    }
    for (const auto& e : errors)
        x << "  <testcase name=\"" << xml_escape(e.name)
          << "\" classname=\"runhub.gate\">\n    <error message=\"" << xml_escape(e.message)
          << "\" type=\"runhub.gate\">" << xml_escape(e.message) << "</error>\n  </testcase>\n";
    x << "</testsuite>\n";
    return x.str();
}

// Written beside the target and renamed over it, so a reader never sees half a file.
bool write_file(const std::string& path, const std::string& text, std::string& why) {
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        if (!out) {
            why = std::strerror(errno);
            return false;
        }
        out << text;
        out.flush();
        if (!out) {
            why = "write failed";
            return false;
        }
    }
    if (std::rename(tmp.c_str(), path.c_str()) != 0) {
        why = std::strerror(errno);
        std::remove(tmp.c_str());
        return false;
    }
    return true;
}

}  // namespace runhub::service::ci_gate
