// JobRunner over a real SQLite store with a small JobHandler whose jobs record what happened: ordering by
// dependency, failure of dependents, cancellation, restart recovery, the attempt limit.
#include "openaml/service/job_runner.h"

#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <thread>

#include "openaml/storage/metadata/sqlite_metadata_store.h"

namespace openaml::service {
namespace {

using storage::EntityKind;

// Jobs named "a", "b", ...; `deps` says which must finish first; `state` tracks each.
class RecordingHandler : public JobHandler {
 public:
  std::mutex mu;
  std::map<std::string, std::string> state;  // id -> PENDING | RUNNING | DONE | FAILED: msg | CANCELLED
  std::map<std::string, std::vector<std::string>> deps;
  std::vector<std::string> order;
  std::set<std::string> block;  // jobs that run until cancelled
  std::map<std::string, int> attempts_seen;

  JobReadiness Check(const JobKey& key, std::string* message) override {
    std::lock_guard lock(mu);
    for (const std::string& dep : deps[key.id]) {
      const std::string& s = state[dep];
      if (s.rfind("FAILED", 0) == 0 || s == "CANCELLED") {
        *message = "input " + dep + " failed";
        return JobReadiness::kFail;
      }
      if (s != "DONE") return JobReadiness::kWait;
    }
    return JobReadiness::kReady;
  }
  void Run(const JobKey& key, int attempt, const std::atomic<bool>& cancelled) override {
    {
      std::lock_guard lock(mu);
      state[key.id] = "RUNNING";
      attempts_seen[key.id] = attempt;
    }
    bool blocking;
    {
      std::lock_guard lock(mu);
      blocking = block.count(key.id) > 0;
    }
    while (blocking && !cancelled.load()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    std::lock_guard lock(mu);
    state[key.id] = cancelled.load() ? "CANCELLED" : "DONE";
    order.push_back(key.id);
  }
  void Fail(const JobKey& key, std::string_view message) override {
    std::lock_guard lock(mu);
    state[key.id] = "FAILED: " + std::string(message);
  }
  bool Recover(const JobKey& key, int attempts) override {
    std::lock_guard lock(mu);
    if (attempts >= JobRunner::kMaxAttempts) {
      state[key.id] = "FAILED: too many attempts";
      return false;
    }
    return true;
  }
  std::string StateOf(const std::string& id) {
    std::lock_guard lock(mu);
    return state[id];
  }
};

std::unique_ptr<storage::SqliteMetadataStore> MemoryStore() {
  storage::SqliteMetadataStore::Options options;
  options.path = ":memory:";
  return std::move(storage::SqliteMetadataStore::Make(options)).value();
}

bool WaitFor(const std::function<bool()>& done) {
  for (int i = 0; i < 2000 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(2));
  return done();
}

void Enqueue(storage::MetadataStore& store, JobRunner& runner, const std::string& id) {
  ASSERT_TRUE(store.PutJob({EntityKind::kDataSource, id, 0, 0}).ok());
  runner.Submit(JobKey{EntityKind::kDataSource, id});
}

TEST(JobRunner, DependentsWaitForTheirInputs) {
  auto store = MemoryStore();
  RecordingHandler handler;
  handler.deps["c"] = {"b"};
  handler.deps["b"] = {"a"};
  JobRunner runner(*store, handler, 2);
  ASSERT_TRUE(runner.Start().ok());
  Enqueue(*store, runner, "c");  // submitted first, must still run last
  Enqueue(*store, runner, "b");
  Enqueue(*store, runner, "a");
  ASSERT_TRUE(WaitFor([&] { return runner.pending_count() == 0; }));
  EXPECT_EQ(handler.order, (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(store->ListJobs()->empty());  // finished jobs leave no row
}

TEST(JobRunner, FailedInputFailsDependentsWithoutRunningThem) {
  auto store = MemoryStore();
  RecordingHandler handler;
  handler.deps["b"] = {"a"};
  handler.state["a"] = "FAILED: bad data";
  JobRunner runner(*store, handler, 1);
  ASSERT_TRUE(runner.Start().ok());
  Enqueue(*store, runner, "b");
  ASSERT_TRUE(WaitFor([&] { return runner.pending_count() == 0; }));
  EXPECT_EQ(handler.StateOf("b"), "FAILED: input a failed");
  EXPECT_TRUE(handler.order.empty());
}

TEST(JobRunner, CancelStopsRunningJobAndDropsQueuedOne) {
  auto store = MemoryStore();
  RecordingHandler handler;
  handler.block = {"long"};
  handler.deps["after"] = {"never"};
  JobRunner runner(*store, handler, 1);
  ASSERT_TRUE(runner.Start().ok());
  Enqueue(*store, runner, "long");
  Enqueue(*store, runner, "after");
  ASSERT_TRUE(WaitFor([&] { return handler.StateOf("long") == "RUNNING"; }));
  runner.Cancel(JobKey{EntityKind::kDataSource, "after"});
  runner.Cancel(JobKey{EntityKind::kDataSource, "long"});
  ASSERT_TRUE(WaitFor([&] { return runner.pending_count() == 0; }));
  EXPECT_EQ(handler.StateOf("long"), "CANCELLED");
  EXPECT_EQ(handler.StateOf("after"), "");  // never ran, never failed
  EXPECT_TRUE(store->ListJobs()->empty());
}

TEST(JobRunner, StopKeepsRowsAndRestartRunsThemAgain) {
  auto store = MemoryStore();
  {
    RecordingHandler handler;
    handler.block = {"x"};
    JobRunner runner(*store, handler, 1);
    ASSERT_TRUE(runner.Start().ok());
    Enqueue(*store, runner, "x");
    ASSERT_TRUE(WaitFor([&] { return handler.StateOf("x") == "RUNNING"; }));
    runner.Stop();
  }
  auto rows = store->ListJobs();
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].attempts, 1);
  RecordingHandler handler;
  JobRunner runner(*store, handler, 1);
  ASSERT_TRUE(runner.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return runner.pending_count() == 0; }));
  EXPECT_EQ(handler.StateOf("x"), "DONE");
  EXPECT_EQ(handler.attempts_seen["x"], 2);
}

TEST(JobRunner, JobsInterruptedTooOftenAreFailed) {
  auto store = MemoryStore();
  ASSERT_TRUE(store->PutJob({EntityKind::kDataSource, "crashy", 0, JobRunner::kMaxAttempts}).ok());
  RecordingHandler handler;
  JobRunner runner(*store, handler, 1);
  ASSERT_TRUE(runner.Start().ok());
  EXPECT_EQ(handler.StateOf("crashy"), "FAILED: too many attempts");
  EXPECT_TRUE(store->ListJobs()->empty());
}

}  // namespace
}  // namespace openaml::service
