// The thread pool every kernel splits its work over (one per context, see context.h).

#pragma once

#include <algorithm>
#include <cmath>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace memonet {

// ---------------------------------------------------------------------------------------------
// Thread pool: parallel_for(tasks, fn) runs fn(task) for task in [0, tasks) on all threads
// (the caller included) and returns when all are done.

class Pool {
 public:
  explicit Pool(int threads) : threads_(std::max(1, threads)) {
    for (int t = 1; t < threads_; t++) workers_.emplace_back([this] { Work(); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      generation_++;
    }
    cv_.notify_all();
    for (auto& w : workers_) w.join();
  }
  int size() const { return threads_; }

  void ParallelFor(int tasks, const std::function<void(int)>& fn) {
    if (tasks <= 0) return;
    if (threads_ == 1 || tasks == 1) {
      for (int t = 0; t < tasks; t++) fn(t);
      return;
    }
    std::unique_lock<std::mutex> lock(mu_);
    fn_ = &fn;
    tasks_ = tasks;
    next_.store(0);
    pending_ = threads_ - 1;
    generation_++;
    lock.unlock();
    cv_.notify_all();
    RunTasks();
    lock.lock();
    done_cv_.wait(lock, [this] { return pending_ == 0; });
    fn_ = nullptr;
  }

 private:
  void RunTasks() {
    for (;;) {
      int t = next_.fetch_add(1);
      if (t >= tasks_) break;
      (*fn_)(t);
    }
  }
  void Work() {
    uint64_t seen = 0;
    for (;;) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return generation_ != seen; });
      seen = generation_;
      if (stop_) return;
      lock.unlock();
      RunTasks();
      lock.lock();
      if (--pending_ == 0) done_cv_.notify_one();
    }
  }

  int threads_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable done_cv_;
  const std::function<void(int)>* fn_ = nullptr;
  int tasks_ = 0;
  std::atomic<int> next_{0};
  int pending_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

// Threads of a new context: MEMONET_THREADS, else the hardware's (at most 64).
inline int ThreadCount() {
  const char* env = std::getenv("MEMONET_THREADS");
  if (env != nullptr && std::atoi(env) > 0) return std::min(64, std::atoi(env));
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(std::min(hw, 64u));
}

}  // namespace memonet
