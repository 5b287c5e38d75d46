// The collective's data plane in C++: the frames of one ring operation sent and received on the two
// TCP sockets the TypeScript side set up (gRPC hello, ticket), from threads of their own, straight
// from and into the caller's buffer. The plan (which chunk, where, combined how, sent after which
// receive) is made in TypeScript (collective/ring-plan.ts); this file only moves bytes, checks frame
// headers, and adds. The wire format is the TypeScript data plane's (collective/data-plane.ts), so
// a native rank and a TypeScript rank interoperate.
//
// Per link, an executor thread runs the queued operations in call order. A large one gets a sender
// thread beside it: the executor receives (reads each expected frame, checks its header, combines the
// payload into the buffer, counts it done) while the sender writes each frame once the receive it
// depends on is done. A small one (at most 64 KiB sent) runs on the executor alone. Neither blocks
// the Node.js event loop; the operation's promise settles there through a thread-safe function.
// Another thread of the process may run a blocking operation itself, in turn (runShared: the sums
// inside a trainer's gradient tape), or a small one in two halves (startShared, then finishShared)
// with its own work between them; such a caller, blocked anyway, polls its socket without sleeping
// for up to the link's spin time before it sleeps in poll() (see WaitFd). A silent peer fails the
// operation after the watchdog's timeout; a closed or reset connection at once; any failure shuts
// both sockets, so the neighbours fail too.
#include <napi.h>

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace {

constexpr int kHeaderBytes = 16;
constexpr int kItem = 5;  // ints per plan item
// Elements received at a time before they are combined (64 KiB: in L2).
constexpr size_t kPieceElems = 16384;
// Operations that send at most this much run on the executor alone (their frames fit in the
// sockets' buffers, so no write waits on a reader): no thread handoff for the small sums.
constexpr size_t kInlineBytes = 64 << 10;
// Combines of a received chunk into the buffer.
constexpr int kCopy = 0, kSum = 1, kSumDivide = 2, kMax = 3;

/** Where an operation failed: the left neighbour's socket, the right one's, or neither. */
enum Side { kNone = 0, kLeft = 1, kRight = 2 };

struct Failure {
  std::string message;
  Side side = kNone;
  std::string kind;  // "closed", "error", "timeout", "mismatch", "aborted"
};

/** The two sockets of a ring link (duplicates of the TypeScript side's descriptors). */
struct Link {
  int in_fd = -1, out_fd = -1;
  int timeout_ms = 60000;
  /** How long a shared (caller-run) operation polls without sleeping before it blocks in poll(). */
  int64_t spin_us = 0;
  std::atomic<bool> aborted{false};
  std::mutex mu;
  /** Operations waiting for the executor, in call order; `running` while it runs one. */
  std::deque<struct Op*> queue;
  std::condition_variable queue_cv;
  bool running = false;
  bool stopping = false;

  void CloseFds() {
    if (in_fd >= 0) ::close(in_fd);
    if (out_fd >= 0) ::close(out_fd);
    in_fd = out_fd = -1;
  }
  /**
   * Wakes any thread in poll() at once: both sockets shut down (the neighbours see the end too);
   * this and later operations fail. Call with `mu` held.
   */
  void AbortLocked() {
    aborted.store(true);
    if (in_fd >= 0) ::shutdown(in_fd, SHUT_RDWR);
    if (out_fd >= 0) ::shutdown(out_fd, SHUT_RDWR);
  }
  /** Stops the executor once its queue is done (aborting what runs or waits); it closes the descriptors. */
  void StopLocked() {
    if (running || !queue.empty()) AbortLocked();
    stopping = true;
    queue_cv.notify_all();
  }
};

struct Op {
  std::shared_ptr<Link> link;
  float* buf = nullptr;
  size_t len = 0;
  uint32_t op_id = 0;
  double divisor = 1;
  /** The link's spin time when a caller's thread runs the op (see ParseSharedOp), else 0. */
  int64_t spin_us = 0;
  std::vector<int32_t> recv_plan, send_plan;
  std::atomic<int64_t> recv_done{0};
  std::mutex mu;
  std::condition_variable cv;
  std::atomic<bool> failed{false};
  Failure failure;
  std::mutex failure_mu;
  // How an asynchronous op settles (none for one run by the calling thread: RunShared).
  Napi::ThreadSafeFunction tsfn;
  std::unique_ptr<Napi::Promise::Deferred> deferred;
  Napi::Reference<Napi::Value> keep;

  void Fail(Side side, const std::string& kind, const std::string& message) {
    {
      std::lock_guard<std::mutex> g(failure_mu);
      if (!failed.load()) failure = Failure{message, side, kind};
      failed.store(true);
    }
    std::lock_guard<std::mutex> g(mu);
    cv.notify_all();
  }
};

std::string Errno(int e) { return std::string(std::strerror(e)); }

/**
 * Waits until `fd` is ready for `events`; false (with the op failed) on timeout, abort or error.
 * An op with a spin time first polls without sleeping for that long, yielding the CPU to any other
 * runnable thread between polls. Its caller (a trainer inside its gradient tape) has nothing else to
 * do, and a vCPU that halts in each of a step's ~50 short waits runs the kernels after them slower
 * (README, Collectives). A hang-up or error ends the spin at once, as it ends poll().
 */
bool WaitFd(Op& op, int fd, short events, Side side) {
  pollfd p{fd, events, 0};
  if (op.spin_us > 0) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::microseconds(op.spin_us);
    do {
      if (op.failed.load()) return false;
      const int r = ::poll(&p, 1, 0);
      if (r > 0) return true;
      if (r < 0 && errno != EINTR) {
        op.Fail(side, "error", "poll failed: " + Errno(errno));
        return false;
      }
      ::sched_yield();
    } while (std::chrono::steady_clock::now() < until);
  }
  for (;;) {
    if (op.failed.load()) return false;
    int r = ::poll(&p, 1, op.link->timeout_ms);
    if (r > 0) return true;  // readiness, hang-up or error: the next read/write says which
    if (r == 0) {
      op.Fail(side, "timeout",
              side == kLeft ? "no data for " + std::to_string(op.link->timeout_ms) + " ms"
                            : "could not send for " + std::to_string(op.link->timeout_ms) + " ms");
      return false;
    }
    if (errno != EINTR) {
      op.Fail(side, "error", "poll failed: " + Errno(errno));
      return false;
    }
  }
}

bool Aborted(Op& op, Side side) {
  if (!op.link->aborted.load()) return false;
  op.Fail(side, "aborted", "aborted");
  return true;
}

/** Reads exactly `n` bytes into `dst`. */
bool ReadAll(Op& op, uint8_t* dst, size_t n) {
  const int fd = op.link->in_fd;
  while (n > 0) {
    ssize_t r = ::recv(fd, dst, n, 0);
    if (r > 0) {
      dst += r;
      n -= static_cast<size_t>(r);
      continue;
    }
    if (Aborted(op, kLeft)) return false;
    if (r == 0) {
      op.Fail(kLeft, "closed", "the data socket ended");
      return false;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!WaitFd(op, fd, POLLIN, kLeft)) return false;
      continue;
    }
    op.Fail(kLeft, "error", "the data socket failed: " + Errno(errno));
    return false;
  }
  return true;
}

/** Writes the iovecs whole (advancing them). */
bool WriteAll(Op& op, iovec* iov, int count) {
  const int fd = op.link->out_fd;
  while (count > 0) {
    msghdr m{};
    m.msg_iov = iov;
    m.msg_iovlen = count;
    ssize_t w = ::sendmsg(fd, &m, MSG_NOSIGNAL);
    if (w >= 0) {
      size_t left = static_cast<size_t>(w);
      while (count > 0 && left >= iov->iov_len) {
        left -= iov->iov_len;
        ++iov;
        --count;
      }
      if (count > 0) {
        iov->iov_base = static_cast<uint8_t*>(iov->iov_base) + left;
        iov->iov_len -= left;
      }
      continue;
    }
    if (Aborted(op, kRight)) return false;
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      if (!WaitFd(op, fd, POLLOUT, kRight)) return false;
      continue;
    }
    op.Fail(kRight, errno == EPIPE || errno == ECONNRESET ? "closed" : "error",
            "the data socket failed: " + Errno(errno));
    return false;
  }
  return true;
}

// The TypeScript data plane's arithmetic exactly: the sum of two float32s is exact in double, the
// mean's division is in double, then rounded once to float32.
void Combine(int how, float* dst, const float* src, size_t n, double divisor) {
  switch (how) {
    case kSum:
      for (size_t i = 0; i < n; i++) dst[i] = dst[i] + src[i];
      break;
    case kSumDivide:
      for (size_t i = 0; i < n; i++) dst[i] = static_cast<float>((static_cast<double>(dst[i]) + src[i]) / divisor);
      break;
    case kMax:
      for (size_t i = 0; i < n; i++)
        if (src[i] > dst[i]) dst[i] = src[i];
      break;
  }
}

/** Receives, checks and combines frame `j` of the op's receive plan; false when the op failed. */
bool ReceiveItem(Op& op, size_t j, std::vector<float>& scratch) {
  const int32_t* it = &op.recv_plan[j * kItem];
  const uint32_t step = it[0], chunk = it[1];
  const size_t offset = static_cast<uint32_t>(it[2]), elems = static_cast<uint32_t>(it[3]);
  const int how = it[4];
  uint32_t h[4];
  if (!ReadAll(op, reinterpret_cast<uint8_t*>(h), kHeaderBytes)) return false;
  if (h[0] != op.op_id || h[1] != step || h[2] != chunk || h[3] != elems * 4) {
    op.Fail(kLeft, "mismatch",
            "sent op " + std::to_string(h[0]) + " step " + std::to_string(h[1]) + " chunk " +
                std::to_string(h[2]) + " (" + std::to_string(h[3]) + " bytes), expected op " +
                std::to_string(op.op_id) + " step " + std::to_string(step) + " chunk " +
                std::to_string(chunk) + " (" + std::to_string(elems * 4) +
                " bytes): operations called in another order or with other lengths");
    return false;
  }
  float* dst = op.buf + offset;
  if (how == kCopy) return ReadAll(op, reinterpret_cast<uint8_t*>(dst), elems * 4);
  // In pieces that stay in cache: each is combined while it is still hot.
  scratch.resize(kPieceElems);
  for (size_t at = 0; at < elems; at += kPieceElems) {
    const size_t k = std::min(kPieceElems, elems - at);
    if (!ReadAll(op, reinterpret_cast<uint8_t*>(scratch.data()), k * 4)) return false;
    Combine(how, dst + at, scratch.data(), k, op.divisor);
  }
  return true;
}

/** Writes frame `j` of the op's send plan (header and payload in one call, from the buffer). */
bool SendItem(Op& op, size_t j) {
  const int32_t* it = &op.send_plan[j * kItem];
  uint32_t h[4] = {op.op_id, static_cast<uint32_t>(it[0]), static_cast<uint32_t>(it[1]),
                   static_cast<uint32_t>(it[3]) * 4};
  iovec iov[2] = {{h, kHeaderBytes},
                  {op.buf + static_cast<uint32_t>(it[2]), static_cast<size_t>(it[3]) * 4}};
  return WriteAll(op, iov, it[3] > 0 ? 2 : 1);
}

void Receive(Op& op, std::vector<float>& scratch) {
  const size_t items = op.recv_plan.size() / kItem;
  for (size_t j = 0; j < items; j++) {
    if (!ReceiveItem(op, j, scratch)) return;
    {
      std::lock_guard<std::mutex> g(op.mu);
      op.recv_done.store(static_cast<int64_t>(j + 1));
    }
    op.cv.notify_all();
  }
}

void Send(Op& op) {
  const size_t items = op.send_plan.size() / kItem;
  for (size_t j = 0; j < items; j++) {
    const int64_t need = op.send_plan[j * kItem + 4];
    if (op.recv_done.load() < need) {
      std::unique_lock<std::mutex> g(op.mu);
      // The receiver's own watchdog fails the op on a silent neighbour; this wait only ends.
      while (op.recv_done.load() < need && !op.failed.load())
        op.cv.wait_for(g, std::chrono::milliseconds(200));
    }
    if (op.failed.load() || !SendItem(op, j)) return;
  }
}

/** Sends, from `next` on, the frames of a small op whose receives are in (`done` of them). */
bool SendReleased(Op& op, size_t& next, int64_t done) {
  const size_t sends = op.send_plan.size() / kItem;
  for (; next < sends && op.send_plan[next * kItem + 4] <= done; next++)
    if (!SendItem(op, next)) return false;
  return true;
}

/** A small op's receives, each followed by the sends it releases (after the first `next` sends). */
void ReceiveInline(Op& op, size_t& next, std::vector<float>& scratch) {
  const size_t recvs = op.recv_plan.size() / kItem;
  for (size_t j = 0; j < recvs; j++)
    if (!ReceiveItem(op, j, scratch) || !SendReleased(op, next, static_cast<int64_t>(j + 1))) return;
}

/**
 * One thread for a small operation: each send as soon as the receives it needs are in. A write
 * here never waits on the neighbour's reading: the op's frames fit in the sockets' buffers.
 */
void RunInline(Op& op, std::vector<float>& scratch) {
  size_t next = 0;
  if (SendReleased(op, next, 0)) ReceiveInline(op, next, scratch);
}

/** Payload bytes an op sends. */
size_t SendBytes(const Op& op) {
  size_t bytes = 0;
  for (size_t j = 3; j < op.send_plan.size(); j += kItem) bytes += static_cast<size_t>(op.send_plan[j]) * 4;
  return bytes;
}

/** Links by id, for threads other than the one that made them (see `share` and `runShared`). */
std::mutex registry_mu;
std::map<int32_t, std::weak_ptr<Link>> registry;
int32_t next_link_id = 1;

/** Reads an op's buffer and plans from `info[first..first+4]`: buf, opId, recvPlan, sendPlan, divisor. */
void ParseOp(const Napi::CallbackInfo& info, size_t first, Op& op) {
  Napi::Env env = info.Env();
  auto buf = info[first].As<Napi::Float32Array>();
  auto recv = info[first + 2].As<Napi::Int32Array>();
  auto send = info[first + 3].As<Napi::Int32Array>();
  op.buf = buf.Data();
  op.len = buf.ElementLength();
  op.op_id = info[first + 1].As<Napi::Number>().Uint32Value();
  op.divisor = info[first + 4].As<Napi::Number>().DoubleValue();
  op.recv_plan.assign(recv.Data(), recv.Data() + recv.ElementLength());
  op.send_plan.assign(send.Data(), send.Data() + send.ElementLength());
  for (const auto* plan : {&op.recv_plan, &op.send_plan}) {
    if (plan->size() % kItem != 0) throw Napi::RangeError::New(env, "native ring: a plan of partial items");
    for (size_t j = 0; j < plan->size(); j += kItem)
      if ((*plan)[j + 2] < 0 || (*plan)[j + 3] < 0 ||
          static_cast<size_t>((*plan)[j + 2]) + static_cast<size_t>((*plan)[j + 3]) > op.len)
        throw Napi::RangeError::New(env, "native ring: a plan item lies outside the buffer");
  }
}

/** The JavaScript error of a failed op (message, side, kind). */
Napi::Error FailureError(Napi::Env env, const Failure& f) {
  auto e = Napi::Error::New(env, f.message);
  e.Set("side", Napi::String::New(env, f.side == kLeft ? "left" : f.side == kRight ? "right" : "none"));
  e.Set("kind", Napi::String::New(env, f.kind));
  return e;
}

/** Settles the op's promise on the JavaScript thread that started it (and frees the op). */
void Settle(Op* op) {
  op->tsfn.BlockingCall(op, [](Napi::Env env, Napi::Function, Op* op) {
    if (op->failed.load()) {
      op->deferred->Reject(FailureError(env, op->failure).Value());
    } else {
      op->deferred->Resolve(env.Undefined());
    }
    op->keep.Reset();
  });
  op->tsfn.Release();
}

/**
 * Runs one operation on the calling thread (inline when small, else with a sender thread beside
 * it). A failure breaks the link: both sockets are shut down, so the neighbours fail at once too.
 */
void RunOp(Op& op, std::vector<float>& scratch) {
  if (op.link->aborted.load())
    op.Fail(kNone, "aborted", "aborted");
  else if (SendBytes(op) <= kInlineBytes)
    RunInline(op, scratch);
  else {
    std::thread sender([&op] { Send(op); });
    Receive(op, scratch);
    sender.join();
  }
  if (op.failed.load()) {
    std::lock_guard<std::mutex> g(op.link->mu);
    op.link->AbortLocked();
  }
}

/**
 * The link's executor: runs its queued operations in order, inline when small, else with a
 * sender thread beside it; after close, fails what is left and releases the descriptors.
 */
void Execute(std::shared_ptr<Link> link) {
  std::vector<float> scratch;
  for (;;) {
    Op* op;
    {
      std::unique_lock<std::mutex> g(link->mu);
      // `running` is also set by a calling thread's RunShared between two queued operations.
      link->queue_cv.wait(g, [&] { return !link->running && (link->stopping || !link->queue.empty()); });
      if (link->queue.empty()) break;
      op = link->queue.front();
      link->queue.pop_front();
      link->running = true;
    }
    RunOp(*op, scratch);
    {
      std::lock_guard<std::mutex> g(link->mu);
      link->running = false;
      link->queue_cv.notify_all();
    }
    Settle(op);
  }
  std::lock_guard<std::mutex> g(link->mu);
  link->CloseFds();
}

/**
 * A small shared operation in two halves: started (the link taken, the sends that need no receive
 * written), then finished (the receives and the sends they release). Between the two the calling
 * thread is free to compute while the neighbours' frames travel; the link stays taken.
 */
struct SplitOp {
  Op op;
  size_t next_send = 0;
};
/** The started split op of each shared link (one at a time; under `registry_mu`). */
std::map<int32_t, std::unique_ptr<SplitOp>> splits;

/** @throws when link `id` has a started split op (it holds the link until finishShared). */
void NoSplit(Napi::Env env, int32_t id) {
  std::lock_guard<std::mutex> g(registry_mu);
  if (splits.count(id) != 0)
    throw Napi::Error::New(env, "native ring: this link's started operation is not finished");
}

/** The started split op of the link `info[0]` names, taken out of `splits` when `take`. @throws when none. */
SplitOp* FindSplit(const Napi::CallbackInfo& info, std::unique_ptr<SplitOp>* take = nullptr) {
  std::lock_guard<std::mutex> g(registry_mu);
  auto it = splits.find(info[0].As<Napi::Number>().Int32Value());
  if (it == splits.end()) throw Napi::Error::New(info.Env(), "native ring: no started operation on this link");
  SplitOp* split = it->second.get();
  if (take) {
    *take = std::move(it->second);
    splits.erase(it);
  }
  return split;
}

/** The shared link `info[0]` names. @throws when it is closed. */
std::shared_ptr<Link> SharedLink(const Napi::CallbackInfo& info) {
  std::shared_ptr<Link> link;
  {
    std::lock_guard<std::mutex> g(registry_mu);
    auto it = registry.find(info[0].As<Napi::Number>().Int32Value());
    if (it != registry.end()) link = it->second.lock();
  }
  if (!link) throw Napi::Error::New(info.Env(), "native ring: no such link (closed)");
  return link;
}

/**
 * Reads a shared operation from `info`: the link `info[0]` names, then buf, opId, recvPlan, sendPlan,
 * divisor. Its caller's thread runs it, so it spins for the link's spin time in its waits.
 * @throws when the link is closed or an argument is bad.
 */
void ParseSharedOp(const Napi::CallbackInfo& info, Op& op) {
  op.link = SharedLink(info);
  ParseOp(info, 1, op);
  op.spin_us = op.link->spin_us;
}

/** Takes the link for the calling thread once its queued operations are done. @throws when it closes. */
void AcquireShared(Napi::Env env, Link& link) {
  std::unique_lock<std::mutex> g(link.mu);
  link.queue_cv.wait(g, [&] { return link.stopping || (!link.running && link.queue.empty()); });
  if (link.stopping) throw Napi::Error::New(env, "native ring: closed");
  link.running = true;
}

/** Gives the link back to its executor; a failed op has broken it (both sockets shut down). */
void ReleaseShared(Op& op) {
  std::lock_guard<std::mutex> g(op.link->mu);
  if (op.failed.load()) op.link->AbortLocked();
  op.link->running = false;
  op.link->queue_cv.notify_all();
}

// runShared(linkId, buf, opId, recvPlan, sendPlan, divisor): runs one operation on the calling
// thread, blocking it, after the link's queued operations (called from a thread other than the
// link's owner: a trainer's main thread, for the sums inside its gradient tape).
Napi::Value RunShared(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Op op;
  ParseSharedOp(info, op);
  NoSplit(env, info[0].As<Napi::Number>().Int32Value());
  AcquireShared(env, *op.link);
  std::vector<float> scratch;
  RunOp(op, scratch);
  ReleaseShared(op);
  if (op.failed.load()) throw FailureError(env, op.failure);
  return env.Undefined();
}

// startShared(linkId, buf, opId, recvPlan, sendPlan, divisor): the first half of runShared for an
// op that sends at most 64 KiB; `buf` must stay untouched until finishShared(linkId), which must be
// called (also after a failure: it reports it and gives the link back).
Napi::Value StartShared(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  const int32_t id = info[0].As<Napi::Number>().Int32Value();
  auto split = std::make_unique<SplitOp>();
  Op& op = split->op;
  ParseSharedOp(info, op);
  if (SendBytes(op) > kInlineBytes)
    throw Napi::RangeError::New(env, "native ring: a split operation sends at most 64 KiB");
  NoSplit(env, id);
  AcquireShared(env, *op.link);
  if (op.link->aborted.load())
    op.Fail(kNone, "aborted", "aborted");
  else
    SendReleased(op, split->next_send, 0);
  std::lock_guard<std::mutex> g(registry_mu);
  splits[id] = std::move(split);
  return env.Undefined();
}

// readyShared(linkId): whether finishShared(linkId) would find the neighbour's first frame waiting
// (or the op already failed), without blocking.
Napi::Value ReadyShared(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  Op* op = &FindSplit(info)->op;
  if (op->failed.load() || op->recv_plan.empty()) return Napi::Boolean::New(env, true);
  pollfd p{op->link->in_fd, POLLIN, 0};
  return Napi::Boolean::New(env, ::poll(&p, 1, 0) != 0);
}

// finishShared(linkId): the second half of a started op, blocking; gives the link back.
Napi::Value FinishShared(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  std::unique_ptr<SplitOp> split;
  FindSplit(info, &split);
  Op& op = split->op;
  std::vector<float> scratch;
  if (!op.failed.load()) ReceiveInline(op, split->next_send, scratch);
  ReleaseShared(op);
  if (op.failed.load()) throw FailureError(env, op.failure);
  return env.Undefined();
}

int DupFd(Napi::Env env, const Napi::Value& v, const char* what) {
  int fd = v.As<Napi::Number>().Int32Value();
  int d = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (d < 0) throw Napi::Error::New(env, std::string("native ring: cannot take the ") + what + " socket (fd " +
                                             std::to_string(fd) + "): " + Errno(errno));
  return d;
}

class Ring : public Napi::ObjectWrap<Ring> {
 public:
  static Napi::Function Define(Napi::Env env) {
    return DefineClass(env, "Ring",
                       {InstanceMethod("run", &Ring::Run), InstanceMethod("share", &Ring::Share),
                        InstanceMethod("abort", &Ring::AbortMethod), InstanceMethod("close", &Ring::Close)});
  }

  // new Ring(inFd, outFd, timeoutMs, spinUs)
  explicit Ring(const Napi::CallbackInfo& info) : Napi::ObjectWrap<Ring>(info), link_(std::make_shared<Link>()) {
    Napi::Env env = info.Env();
    link_->in_fd = DupFd(env, info[0], "receiving");
    try {
      link_->out_fd = DupFd(env, info[1], "sending");
    } catch (...) {
      link_->CloseFds();
      throw;
    }
    link_->timeout_ms = info[2].As<Napi::Number>().Int32Value();
    if (info.Length() > 3) link_->spin_us = std::max<int64_t>(0, info[3].As<Napi::Number>().Int64Value());
    std::thread(Execute, link_).detach();
  }

  ~Ring() override {
    Unshare();
    std::lock_guard<std::mutex> g(link_->mu);
    link_->StopLocked();
  }

 private:
  // run(buf: Float32Array, opId, recvPlan: Int32Array, sendPlan: Int32Array, divisor): Promise<void>
  Napi::Value Run(const Napi::CallbackInfo& info) {
    Napi::Env env = info.Env();
    auto op = std::make_unique<Op>();
    op->link = link_;
    ParseOp(info, 0, *op);
    op->deferred = std::make_unique<Napi::Promise::Deferred>(Napi::Promise::Deferred::New(env));
    op->keep = Napi::Persistent(info[0]);
    Napi::Promise promise = op->deferred->Promise();
    Op* raw = op.get();
    raw->tsfn = Napi::ThreadSafeFunction::New(env, Napi::Function(), "twist-ring", 0, 1,
                                              [raw](Napi::Env) { delete raw; });
    std::lock_guard<std::mutex> g(link_->mu);
    if (link_->stopping) {
      raw->tsfn.Release();  // frees the op
      op.release();
      throw Napi::Error::New(env, "native ring: closed");
    }
    link_->queue.push_back(op.release());
    link_->queue_cv.notify_all();
    return promise;
  }

  // share(): an id by which another thread's runShared reaches this link (while it is open).
  Napi::Value Share(const Napi::CallbackInfo& info) {
    std::lock_guard<std::mutex> g(registry_mu);
    if (share_id_ == 0) {
      share_id_ = next_link_id++;
      registry[share_id_] = link_;
    }
    return Napi::Number::New(info.Env(), share_id_);
  }

  Napi::Value AbortMethod(const Napi::CallbackInfo& info) {
    std::lock_guard<std::mutex> g(link_->mu);
    link_->AbortLocked();
    return info.Env().Undefined();
  }

  // close(): the executor stops after its queue (a running operation is aborted) and releases the descriptors.
  Napi::Value Close(const Napi::CallbackInfo& info) {
    Unshare();
    std::lock_guard<std::mutex> g(link_->mu);
    link_->StopLocked();
    return info.Env().Undefined();
  }

  void Unshare() {
    std::lock_guard<std::mutex> g(registry_mu);
    if (share_id_ != 0) registry.erase(share_id_);
    share_id_ = 0;
  }

  std::shared_ptr<Link> link_;
  int32_t share_id_ = 0;
};

Napi::Object Init(Napi::Env env, Napi::Object exports) {
  exports.Set("Ring", Ring::Define(env));
  exports.Set("runShared", Napi::Function::New(env, RunShared, "runShared"));
  exports.Set("startShared", Napi::Function::New(env, StartShared, "startShared"));
  exports.Set("readyShared", Napi::Function::New(env, ReadyShared, "readyShared"));
  exports.Set("finishShared", Napi::Function::New(env, FinishShared, "finishShared"));
  return exports;
}

}  // namespace

NODE_API_MODULE(twist_collective, Init)
