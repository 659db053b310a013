#pragma once
// Idempotency-Key bookkeeping for POST /v1/runs. A key remembers the request body and the answer
// it got for 24 hours (sandbox clock): the same key with the same body replays that answer; the
// same key with another body is a 409. Not thread-safe: the emulator holds its mutex around it.
#include <chrono>
#include <map>
#include <optional>
#include <string>

#include "sandbox/zof/zof_run.hpp"

namespace runhub::sandbox::zof {

inline constexpr std::size_t max_idempotency_key_length = 255;

struct stored_answer {
    int status = 201;
    std::string body;
};

class idempotency_store {
  public:
    enum class verdict { fresh, replay, mismatch };
    struct lookup_result {
        verdict v = verdict::fresh;
        stored_answer answer;  // set for replay
    };

    // `body` is compared by JSON value (key order and spacing do not matter); a body that is
    // not JSON is compared byte for byte.
    lookup_result lookup(const std::string& key, const std::string& body, time_point now);
    void remember(const std::string& key, const std::string& body, stored_answer answer,
                  time_point now);
    void clear() { entries_.clear(); }
    std::size_t size() const { return entries_.size(); }

    static constexpr std::chrono::hours ttl{24};

  private:
    struct entry {
        std::string body;
        stored_answer answer;
        time_point expires;
    };
    std::map<std::string, entry, std::less<>> entries_;
};

}  // namespace runhub::sandbox::zof
