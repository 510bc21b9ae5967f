#include "openaml/service/job_runner.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <chrono>

namespace openaml::service {

JobRunner::JobRunner(storage::MetadataStore& store, JobHandler& handler, int workers)
    : store_(store), handler_(handler), worker_count_(std::max(1, workers)) {}

JobRunner::~JobRunner() { Stop(); }

Status JobRunner::Start() {
  OPENAML_ASSIGN_OR_RETURN(auto jobs, store_.ListJobs());
  {
    std::lock_guard lock(mu_);
    for (const storage::JobRecord& job : jobs) {
      JobKey key{job.kind, job.entity_id};
      if (!handler_.Recover(key, job.attempts)) {
        store_.RemoveJob(job.kind, job.entity_id).IgnoreError();  // stale row: nothing left to run
        continue;
      }
      queue_.push_back(job);
    }
    stopping_ = false;
  }
  for (int i = 0; i < worker_count_; ++i) workers_.emplace_back([this] { WorkerLoop(); });
  return Status();
}

void JobRunner::Submit(const JobKey& key) {
  {
    std::lock_guard lock(mu_);
    queue_.push_back(storage::JobRecord{key.kind, key.id, 0, 0});
  }
  cv_.notify_all();
}

void JobRunner::Cancel(const JobKey& key) {
  bool removed = false;
  {
    std::lock_guard lock(mu_);
    auto it = std::find_if(queue_.begin(), queue_.end(),
                           [&](const storage::JobRecord& job) { return job.kind == key.kind && job.entity_id == key.id; });
    if (it != queue_.end()) {
      queue_.erase(it);
      removed = true;
    }
    if (auto running = running_.find(key); running != running_.end()) running->second->store(true);
  }
  if (removed) store_.RemoveJob(key.kind, key.id).IgnoreError();  // the entity is already marked DELETED
  cv_.notify_all();
}

void JobRunner::Wake() { cv_.notify_all(); }

void JobRunner::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    for (auto& [key, flag] : running_) flag->store(true);
  }
  cv_.notify_all();
  for (std::thread& worker : workers_) worker.join();
  workers_.clear();
}

size_t JobRunner::pending_count() {
  std::lock_guard lock(mu_);
  return queue_.size() + running_.size() + failing_;
}

void JobRunner::WorkerLoop() {
  std::unique_lock lock(mu_);
  while (true) {
    if (stopping_) return;
    // Step 1: the oldest job that is ready; fail those whose inputs failed.
    std::optional<storage::JobRecord> picked;
    for (auto it = queue_.begin(); it != queue_.end();) {
      JobKey key{it->kind, it->entity_id};
      std::string message;
      JobReadiness readiness = handler_.Check(key, &message);
      if (readiness == JobReadiness::kFail) {
        it = queue_.erase(it);
        ++failing_;
        lock.unlock();
        handler_.Fail(key, message);
        store_.RemoveJob(key.kind, key.id).IgnoreError();  // worst case the next start drops it in Recover()
        lock.lock();
        --failing_;
        it = queue_.begin();  // the queue may have changed while unlocked
        continue;
      }
      if (readiness == JobReadiness::kReady) {
        picked = *it;
        queue_.erase(it);
        break;
      }
      ++it;
    }
    if (!picked) {
      // Woken by Submit/finish/Cancel; the timeout re-checks inputs changed by other paths.
      cv_.wait_for(lock, std::chrono::milliseconds(500));
      continue;
    }
    // Step 2: run it outside the lock.
    JobKey key{picked->kind, picked->entity_id};
    auto cancelled = std::make_shared<std::atomic<bool>>(false);
    running_[key] = cancelled;
    int attempt = picked->attempts + 1;
    lock.unlock();
    storage::JobRecord row = *picked;
    row.attempts = attempt;
    if (Status s = store_.PutJob(row); !s.ok()) spdlog::warn("job runner: cannot record attempt: {}", s.ToString());
    handler_.Run(key, attempt, *cancelled);
    // Step 3: a stopped job keeps its row so the next start runs it again.
    bool interrupted_by_stop;
    {
      std::lock_guard relock(mu_);
      interrupted_by_stop = stopping_;
    }
    if (!interrupted_by_stop) store_.RemoveJob(key.kind, key.id).IgnoreError();
    lock.lock();
    running_.erase(key);
    cv_.notify_all();
  }
}

}  // namespace openaml::service
