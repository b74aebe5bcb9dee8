// Whether a JS environment (the main thread's or a Worker's) still exists, shared with threads that outlive it.
#pragma once

#include <memory>
#include <mutex>

namespace ce::binding {

// Owned jointly by the environment's AddonData and by every task that will post back to it, so a core thread
// can ask "is my environment still there?" without touching the environment's (possibly freed) state.
class EnvLifetime {
 public:
  // Environment cleanup hook (JS thread): after this returns no thread will post into the environment.
  void end() {
    std::lock_guard<std::mutex> lock(mutex_);
    alive_ = false;
  }

  // Any thread: runs `post` while the environment is guaranteed to stay alive, or returns false without
  // running it. Node frees a thread-safe function only after the cleanup hooks have run (the hooks close
  // it; the memory goes with its uv handle, later), so holding the lock across the post closes the race.
  template <typename Post>
  bool post_if_alive(Post&& post) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!alive_) return false;
    post();
    return true;
  }

 private:
  std::mutex mutex_;
  bool alive_ = true;
};

using SharedEnvLifetime = std::shared_ptr<EnvLifetime>;

}  // namespace ce::binding
