// JobRunner: a bounded pool of worker threads running the asynchronous Amazon ML jobs (spec §1.3).
//
// Jobs are rows in the metadata store (written with the entity by Create*), so a restart finds them again.
// A worker takes the oldest queued job whose inputs are ready, asking the JobHandler; a job whose input failed or
// was deleted is failed without running. Steps of a worker:
//   1. pick: scan the queue in order; Check() each job (ready / wait / fail); take the first ready one;
//   2. run: Run() with a cancellation flag (set by Cancel(), e.g. when the entity is deleted, or by Stop());
//   3. finish: remove the job row, wake the other workers (a finished job may unblock waiting ones).
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "openaml/common/status.h"
#include "openaml/storage/metadata/metadata_store.h"

namespace openaml::service {

struct JobKey {
  storage::EntityKind kind = storage::EntityKind::kDataSource;
  std::string id;
  auto operator<=>(const JobKey&) const = default;
};

enum class JobReadiness { kReady, kWait, kFail };

/// What the runner needs from the service: the domain logic of each job. Called from worker threads.
class JobHandler {
 public:
  virtual ~JobHandler() = default;
  /// Whether the job can start now; for kFail, `message` says which input failed and why.
  virtual JobReadiness Check(const JobKey& key, std::string* message) = 0;
  /// Run the job to its end (COMPLETED / FAILED), observing `cancelled`.
  virtual void Run(const JobKey& key, int attempt, const std::atomic<bool>& cancelled) = 0;
  /// Mark the job's entity FAILED with `message` without running it.
  virtual void Fail(const JobKey& key, std::string_view message) = 0;
  /// After a restart: bring the entity of a persisted job back to a runnable state (INPROGRESS -> PENDING).
  /// Return false when the job should be dropped (entity gone, deleted or already finished).
  virtual bool Recover(const JobKey& key, int attempts) = 0;
};

class JobRunner {
 public:
  /// Jobs interrupted this many times (crashes while running) are failed instead of being run again.
  static constexpr int kMaxAttempts = 3;

  JobRunner(storage::MetadataStore& store, JobHandler& handler, int workers);
  ~JobRunner();
  JobRunner(const JobRunner&) = delete;
  JobRunner& operator=(const JobRunner&) = delete;

  /// Queue the persisted jobs of an earlier run (after Recover()), then start the workers.
  Status Start();
  /// Queue a job whose row is already in the store.
  void Submit(const JobKey& key);
  /// Cancel a job: dropped if queued, its flag set if running (the job then ends soon). Unknown: no-op.
  void Cancel(const JobKey& key);
  /// Re-check waiting jobs (an input's state changed outside a job, e.g. deleted).
  void Wake();
  /// Cancel running jobs and join the workers. Their rows stay: the next Start() runs them again.
  void Stop();
  /// Queued plus running jobs.
  size_t pending_count();

 private:
  void WorkerLoop();

  storage::MetadataStore& store_;
  JobHandler& handler_;
  int worker_count_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<storage::JobRecord> queue_;                         // guarded by mu_
  std::map<JobKey, std::shared_ptr<std::atomic<bool>>> running_;  // guarded by mu_
  size_t failing_ = 0;  // jobs out of the queue whose failure is being recorded (still pending); guarded by mu_
  bool stopping_ = false;                                         // guarded by mu_
  std::vector<std::thread> workers_;
};

}  // namespace openaml::service
