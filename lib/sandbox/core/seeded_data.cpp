#include "sandbox/core/seeded_data.hpp"

#include <cstdio>
#include <ctime>

namespace runhub::sandbox {

seeded_rng::seeded_rng(std::uint64_t seed, std::string_view salt) : state_(seed) {
    // FNV-1a of the salt, mixed into the seed.
    std::uint64_t h = 1469598103934665603ull;
    for (unsigned char c : salt) h = (h ^ c) * 1099511628211ull;
    state_ ^= h;
}

std::uint64_t seeded_rng::next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

std::int64_t seeded_rng::uniform(std::int64_t lo, std::int64_t hi) {
    if (hi <= lo) return lo;
    auto span = static_cast<std::uint64_t>(hi - lo) + 1;
    return lo + static_cast<std::int64_t>(next() % span);
}

double seeded_rng::real() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

bool seeded_rng::chance(double p) { return real() < p; }

std::string seeded_rng::hex(std::size_t n) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out(n, '0');
    for (auto& c : out) c = digits[next() & 0xF];
    return out;
}

std::string seeded_rng::uuid() {
    auto h = hex(32);
    h[12] = '4';
    h[16] = "89ab"[next() & 3];
    return h.substr(0, 8) + "-" + h.substr(8, 4) + "-" + h.substr(12, 4) + "-" + h.substr(16, 4) +
           "-" + h.substr(20);
}

const std::vector<std::string>& branch_names() {
    static const std::vector<std::string> v{
        "main", "main", "main", "develop", "release/4.2", "release/4.3", "feature/checkout-v2",
        "feature/dark-mode", "fix/login-timeout", "fix/flaky-cart-test", "renovate/deps",
        "feature/search-filters", "hotfix/payment-retry"};
    return v;
}

const std::vector<std::string>& suite_names() {
    static const std::vector<std::string> v{
        "smoke", "checkout-flow", "login-and-signup", "regression-full", "payments",
        "search", "onboarding", "profile-settings", "cart", "notifications", "api-contract",
        "accessibility", "nightly-e2e"};
    return v;
}

const std::vector<std::string>& test_case_names() {
    static const std::vector<std::string> v{
        "login with valid password", "login with wrong password shows error",
        "add item to cart", "remove last item empties cart", "checkout with saved card",
        "checkout with expired card is declined", "search returns matching products",
        "filter by price range", "reset password email is sent", "profile photo upload",
        "push notification opens order", "logout clears session", "guest checkout",
        "apply discount code", "change shipping address", "dark mode persists after restart",
        "order history paginates", "signup with existing email is rejected",
        "deep link opens product page", "offline banner appears without network"};
    return v;
}

const std::vector<std::string>& device_names() {
    static const std::vector<std::string> v{
        "Pixel 8 (Android 14)", "Pixel 7a (Android 13)", "Galaxy S23 (Android 14)",
        "Galaxy A54 (Android 13)", "iPhone 15 (iOS 17.4)", "iPhone 13 mini (iOS 16.7)",
        "iPad Air (iPadOS 17.2)", "OnePlus 11 (Android 14)"};
    return v;
}

const std::vector<std::string>& environment_names() {
    static const std::vector<std::string> v{"staging", "staging", "production", "qa", "preview"};
    return v;
}

const std::vector<std::string>& failure_messages() {
    static const std::vector<std::string> v{
        "Expected element #checkout-button to be visible within 10s",
        "AssertionError: expected 'Order placed' but got 'Payment declined'",
        "TimeoutError: navigation to /cart exceeded 30000 ms",
        "Element not found: //button[@text='Sign in']",
        "expected status 200, got 502 from /api/orders",
        "App crashed: java.lang.NullPointerException in CartAdapter.onBind",
        "Screenshot differs from baseline by 4.2% (threshold 1%)",
        "Timed out waiting for OTP email"};
    return v;
}

const std::vector<std::string>& user_names() {
    static const std::vector<std::string> v{"Ada Lovelace", "Grace Hopper", "Alan Turing",
                                            "Barbara Liskov", "Ken Thompson", "Margaret Hamilton",
                                            "Edsger Dijkstra", "Frances Allen"};
    return v;
}

namespace {
std::tm to_utc(std::chrono::system_clock::time_point t) {
    std::time_t tt = std::chrono::system_clock::to_time_t(
        std::chrono::floor<std::chrono::seconds>(t));
    std::tm tm{};
    gmtime_r(&tt, &tm);
    return tm;
}
}  // namespace

std::string rfc3339_ms(std::chrono::system_clock::time_point t) {
    auto tm = to_utc(t);
    auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count() % 1000;
    if (ms < 0) ms += 1000;
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
    return buf;
}

std::string rfc3339_s(std::chrono::system_clock::time_point t) {
    auto tm = to_utc(t);
    char buf[32];
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
    return buf;
}

bool parse_rfc3339(std::string_view s, std::chrono::system_clock::time_point& out) {
    int y, mo, d, h, mi, sec;
    if (s.size() < 20) return false;
    auto num = [&](std::size_t pos, std::size_t len, int& v) {
        v = 0;
        for (std::size_t i = pos; i < pos + len; ++i) {
            if (s[i] < '0' || s[i] > '9') return false;
            v = v * 10 + (s[i] - '0');
        }
        return true;
    };
    if (!num(0, 4, y) || s[4] != '-' || !num(5, 2, mo) || s[7] != '-' || !num(8, 2, d) ||
        (s[10] != 'T' && s[10] != 't' && s[10] != ' ') || !num(11, 2, h) || s[13] != ':' ||
        !num(14, 2, mi) || s[16] != ':' || !num(17, 2, sec))
        return false;
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return false;
    std::size_t pos = 19;
    std::int64_t frac_ms = 0;
    if (pos < s.size() && s[pos] == '.') {
        ++pos;
        int digits = 0;
        while (pos < s.size() && s[pos] >= '0' && s[pos] <= '9') {
            if (digits < 3) frac_ms = frac_ms * 10 + (s[pos] - '0');
            ++digits;
            ++pos;
        }
        if (digits == 0) return false;
        for (int i = digits; i < 3; ++i) frac_ms *= 10;
    }
    std::int64_t offset_s = 0;
    if (pos < s.size() && (s[pos] == 'Z' || s[pos] == 'z')) {
        ++pos;
    } else if (pos + 6 == s.size() && (s[pos] == '+' || s[pos] == '-') && s[pos + 3] == ':') {
        int oh, om;
        if (!num(pos + 1, 2, oh) || !num(pos + 4, 2, om)) return false;
        offset_s = (oh * 3600 + om * 60) * (s[pos] == '-' ? -1 : 1);
        pos += 6;
    } else {
        return false;
    }
    if (pos != s.size()) return false;
    using namespace std::chrono;
    auto days = sys_days(year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)});
    if (!year_month_day(days).ok()) return false;
    out = system_clock::time_point(days) + hours(h) + minutes(mi) + seconds(sec) +
          milliseconds(frac_ms) - seconds(offset_s);
    return true;
}

std::int64_t unix_seconds(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

std::int64_t unix_millis(std::chrono::system_clock::time_point t) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

}  // namespace runhub::sandbox
