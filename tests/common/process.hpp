#pragma once
// Starts a child process (the runhub binary) with stdout and stderr sent to files, for tests
// that exercise the executable as a user would. Only processes started here are signalled.
#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace runhub::test {

class child_process {
  public:
    explicit child_process(std::vector<std::string> argv, std::vector<std::string> extra_env = {});
    ~child_process();  // SIGKILLs the child if it still runs
    child_process(const child_process&) = delete;
    child_process& operator=(const child_process&) = delete;

    void signal(int sig);
    // The exit code (128+N when killed by signal N), or nullopt if still running after timeout.
    std::optional<int> wait(std::chrono::milliseconds timeout);
    std::string out() const;  // everything written to stdout so far
    std::string err() const;  // everything written to stderr so far
    // Polls stderr+stdout until `needle` appears; returns the text after it up to the line end.
    std::optional<std::string> wait_for_output(const std::string& needle,
                                               std::chrono::milliseconds timeout) const;
    int pid() const { return pid_; }

  private:
    int pid_ = -1;
    std::optional<int> status_;
    std::string out_path_, err_path_;
};

// Runs to completion (with a timeout) and returns {exit code, stdout+stderr}.
std::pair<int, std::string> run_process(
    std::vector<std::string> argv, std::chrono::milliseconds timeout = std::chrono::seconds(30));

}  // namespace runhub::test
