#pragma once
// TesterArmy's state: the generated runs plus triggered ones, guarded by one mutex. Triggered
// runs are brought up to date from the clock on every call (refresh), so list and get agree.
// No I/O here; the emulator turns results into HTTP answers.
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/core/seeded_data.hpp"
#include "sandbox/testerarmy/testerarmy_data.hpp"
#include "sandbox/testerarmy/testerarmy_paging.hpp"

namespace runhub::sandbox::testerarmy {

struct store_options {
    std::uint64_t seed = 42;
    int runs = 300;
    time_point anchor;  // "now" of the generated data
    std::chrono::milliseconds queued_for{2000}, running_for{8000};
    std::string default_webhook_url;  // the project default webhook (emulator_options)
};

struct trigger_spec {
    std::string type;  // test | chat
    std::string project_id, test_id, group_id, batch_id, prompt, feature_name, platform;
    std::string webhook_url;  // "" = the default, if any
};

struct webhook_delivery {
    std::string url, body;
};

class store {
  public:
    explicit store(store_options o);

    void reset();
    const catalog& cat() const { return catalog_; }

    struct list_page {
        std::vector<std::shared_ptr<const std::string>> runs;  // each run's JSON (run_object)
        std::optional<std::string> next_cursor;
        bool bad_cursor = false;
    };
    list_page list(const list_query& q, time_point now, const std::string& forced);
    std::optional<run_record> get(const std::string& id, time_point now, const std::string& forced);

    enum class cancel_result { cancelled, not_found, terminal };
    cancel_result cancel(const std::string& id, time_point now, const std::string& forced);

    // Cancels every unfinished run of a batch (a group trigger); idempotent. nullopt when no
    // run belongs to that batch.
    struct batch_cancel_result {
        std::vector<std::string> cancelled, already_finished;
    };
    std::optional<batch_cancel_result> cancel_batch(const std::string& batch_id, time_point now,
                                                    const std::string& forced);

    // Creates a queued run; its outcome is `forced` if set, else the seed's.
    run_record trigger(const trigger_spec& spec, time_point now, const std::string& forced);
    std::string new_batch_id();

    // Webhooks of triggered runs that completed or failed and were not sent yet; marks them sent.
    std::vector<webhook_delivery> due_webhooks(time_point now, const std::string& forced);

  private:
    void refresh_locked(time_point now, const std::string& forced);
    run_record* find_locked(const std::string& id);
    // The run's JSON: its kept one, else made now (and kept when it can be).
    std::shared_ptr<const std::string> list_json_locked(run_record& r);

    store_options opts_;
    catalog catalog_;
    mutable std::mutex mutex_;
    std::vector<run_record> runs_;  // newest first
    seeded_rng ids_;
    std::uint64_t triggered_ = 0;
};

}  // namespace runhub::sandbox::testerarmy
