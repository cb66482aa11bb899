// Copyright 2026 The capstan Authors.

#include "base/subprocess.h"

#include <gtest/gtest.h>
#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace capstan::base {
namespace {

using std::chrono::milliseconds;

SubprocessOptions Sh(std::string script) {
  SubprocessOptions o;
  o.argv = {"/bin/sh", "-c", std::move(script)};
  return o;
}

TEST(SubprocessTest, EchoCapturesStdout) {
  SubprocessOptions o;
  o.argv = {"echo", "hello", "world"};
  auto r = RunSubprocess(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stdout_text, "hello world\n");
  EXPECT_EQ(r->stderr_text, "");
  EXPECT_EQ(r->exit_code, 0);
  EXPECT_TRUE(r->success());
  EXPECT_EQ(r->Describe(), "exit status 0");
}

TEST(SubprocessTest, ArgumentsAreNotInterpretedByAShell) {
  SubprocessOptions o;
  o.argv = {"echo", "$HOME; rm -rf x", "*"};
  auto r = RunSubprocess(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stdout_text, "$HOME; rm -rf x *\n");
}

TEST(SubprocessTest, StdinRoundTrip) {
  SubprocessOptions o;
  o.argv = {"cat"};
  o.stdin_text = "line one\nline two\n";
  auto r = RunSubprocess(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stdout_text, "line one\nline two\n");
}

TEST(SubprocessTest, BigStdinAndStdoutDoNotDeadlock) {
  // 4 MiB through cat: far more than a pipe buffer in both directions at once.
  std::string big;
  for (int i = 0; big.size() < (4u << 20); ++i) big += "row " + std::to_string(i) + "\n";
  SubprocessOptions o;
  o.argv = {"cat"};
  o.stdin_text = big;
  o.timeout = milliseconds(20000);
  auto r = RunSubprocess(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stdout_text.size(), big.size());
  EXPECT_TRUE(r->stdout_text == big);
}

TEST(SubprocessTest, NoStdinMeansEmptyInput) {
  SubprocessOptions o;
  o.argv = {"wc", "-c"};
  auto r = RunSubprocess(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stdout_text.find_first_not_of(" "), r->stdout_text.find('0'));
}

TEST(SubprocessTest, ChildIgnoringStdinDoesNotKillUs) {
  // The child exits without reading; writing the rest gives EPIPE, which must not raise SIGPIPE.
  SubprocessOptions o = Sh("exit 0");
  o.stdin_text = std::string(1 << 20, 'x');
  auto r = RunSubprocess(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->success());
}

TEST(SubprocessTest, ExitCodeAndStderr) {
  auto r = RunSubprocess(Sh("echo out; echo 'it broke' >&2; exit 3"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->exit_code, 3);
  EXPECT_EQ(r->signal, 0);
  EXPECT_FALSE(r->success());
  EXPECT_EQ(r->stdout_text, "out\n");
  EXPECT_EQ(r->stderr_text, "it broke\n");
  EXPECT_EQ(r->Describe(), "exit status 3");
  EXPECT_EQ(r->StderrTail(), "it broke");
}

TEST(SubprocessTest, KilledBySignal) {
  auto r = RunSubprocess(Sh("kill -TERM $$"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->signal, SIGTERM);
  EXPECT_EQ(r->exit_code, -1);
  EXPECT_EQ(r->Describe(), "signal: terminated");
}

TEST(SubprocessTest, TimeoutKillsTheProcessGroupQuickly) {
  // The shell starts sleep as a grandchild that holds stdout open: the whole group must die.
  SubprocessOptions o = Sh("sleep 30; echo never");
  o.timeout = milliseconds(300);
  auto start = std::chrono::steady_clock::now();
  auto r = RunSubprocess(o);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTimeout);
  EXPECT_EQ(r.status().message(), "command \"/bin/sh\": timed out after 300ms");
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(SubprocessTest, TimeoutNamesWhatTheChildLastWroteToStderr) {
  SubprocessOptions o = Sh("echo 'waiting for the hook' >&2; sleep 30");
  o.timeout = milliseconds(300);
  auto r = RunSubprocess(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            "command \"/bin/sh\": timed out after 300ms; its stderr so far: waiting for the hook");
}

TEST(SubprocessTest, TimeoutOnSleepDirectly) {
  SubprocessOptions o;
  o.argv = {"sleep", "30"};
  o.timeout = milliseconds(1000);
  auto start = std::chrono::steady_clock::now();
  auto r = RunSubprocess(o);
  auto took = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kTimeout);
  EXPECT_EQ(r.status().message(), "command \"sleep\": timed out after 1s");
  EXPECT_GE(took, milliseconds(900));
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(SubprocessTest, StopTokenCancels) {
  std::stop_source src;
  SubprocessOptions o;
  o.argv = {"sleep", "30"};
  o.stop = src.get_token();
  std::thread stopper([&] {
    std::this_thread::sleep_for(milliseconds(200));
    src.request_stop();
  });
  auto start = std::chrono::steady_clock::now();
  auto r = RunSubprocess(o);
  stopper.join();
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kCancelled);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(SubprocessTest, MissingBinaryIsNotFoundNamingIt) {
  SubprocessOptions o;
  o.argv = {"capstan-no-such-binary-xyz", "--flag"};
  auto r = RunSubprocess(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "command \"capstan-no-such-binary-xyz\": executable file not found");

  o.argv = {"/nonexistent/dir/tool"};
  r = RunSubprocess(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("/nonexistent/dir/tool"), std::string::npos);
}

TEST(SubprocessTest, NotExecutableIsPermissionDenied) {
  char dir[] = "/tmp/capstan_subprocess_XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string file = std::string(dir) + "/plain.txt";
  FILE* f = fopen(file.c_str(), "w");
  ASSERT_NE(f, nullptr);
  fputs("#!/bin/sh\necho hi\n", f);
  fclose(f);
  SubprocessOptions o;
  o.argv = {file};
  auto r = RunSubprocess(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kPermissionDenied);
  remove(file.c_str());
  rmdir(dir);
}

TEST(SubprocessTest, EmptyArgvIsInvalid) {
  auto r = RunSubprocess(SubprocessOptions{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
}

TEST(SubprocessTest, BigOutputIsCapturedWhole) {
  // 8 MiB from the child.
  auto r = RunSubprocess(Sh("head -c 8388608 /dev/zero"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stdout_text.size(), 8u << 20);
}

TEST(SubprocessTest, StdoutOverTheCapIsAnError) {
  SubprocessOptions o = Sh("head -c 1000000 /dev/zero; sleep 30");
  o.max_stdout_bytes = 100000;
  auto start = std::chrono::steady_clock::now();
  auto r = RunSubprocess(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "command \"/bin/sh\": output exceeds 100000 bytes");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
}

TEST(SubprocessTest, StderrKeepsItsEnd) {
  SubprocessOptions o = Sh("i=0; while [ $i -lt 3000 ]; do echo \"line $i\" >&2; i=$((i+1)); done; echo last >&2");
  o.max_stderr_bytes = 100;
  auto r = RunSubprocess(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stderr_text.size(), 100u);
  EXPECT_EQ(r->stderr_text.substr(r->stderr_text.size() - 5), "last\n");
  EXPECT_EQ(r->StderrTail(4), "...last");
  EXPECT_EQ(r->stderr_text.find("line 0\n"), std::string::npos);
}

TEST(SubprocessTest, EnvAdditionsAndReplacement) {
  setenv("CAPSTAN_SUBPROCESS_INHERITED", "yes", 1);
  SubprocessOptions o = Sh("echo \"$CAPSTAN_SUBPROCESS_INHERITED/$EXTRA\"");
  o.env = {{"EXTRA", "added"}};
  auto r = RunSubprocess(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stdout_text, "yes/added\n");

  o.env = {{"CAPSTAN_SUBPROCESS_INHERITED", "overridden"}};
  r = RunSubprocess(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stdout_text, "overridden/\n");

  o.replace_env = true;
  o.env = {{"EXTRA", "only"}};
  r = RunSubprocess(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stdout_text, "/only\n");
  unsetenv("CAPSTAN_SUBPROCESS_INHERITED");
}

TEST(SubprocessTest, WorkingDir) {
  SubprocessOptions o;
  o.argv = {"pwd"};
  o.working_dir = "/tmp";
  auto r = RunSubprocess(o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->stdout_text, "/tmp\n");

  o.working_dir = "/nonexistent/capstan";
  r = RunSubprocess(o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("/nonexistent/capstan"), std::string::npos);
}

TEST(SubprocessTest, CallerSignalStateDoesNotLeakIntoChild) {
  // libcurl users ignore SIGPIPE and threads block signals; the child must start with default
  // dispositions and an empty mask.
  struct sigaction old_action;
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  sigaction(SIGPIPE, &ignore, &old_action);
  sigset_t usr1, old_mask;
  sigemptyset(&usr1);
  sigaddset(&usr1, SIGUSR1);
  pthread_sigmask(SIG_BLOCK, &usr1, &old_mask);
  SubprocessOptions o;
  o.argv = {"grep", "-E", "^Sig(Ign|Blk)", "/proc/self/status"};
  auto r = RunSubprocess(o);
  pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  sigaction(SIGPIPE, &old_action, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  // "SigBlk:\t<hex mask>\nSigIgn:\t<hex mask>\n"; bit n-1 stands for signal n.
  size_t blk = r->stdout_text.find("SigBlk:\t");
  size_t ign = r->stdout_text.find("SigIgn:\t");
  ASSERT_NE(blk, std::string::npos);
  ASSERT_NE(ign, std::string::npos);
  uint64_t blocked = std::stoull(r->stdout_text.substr(blk + 8, 16), nullptr, 16);
  uint64_t ignored = std::stoull(r->stdout_text.substr(ign + 8, 16), nullptr, 16);
  EXPECT_EQ(blocked & (1ull << (SIGUSR1 - 1)), 0u);
  EXPECT_EQ(ignored & (1ull << (SIGPIPE - 1)), 0u);
}

TEST(SubprocessTest, ConcurrentRuns) {
  std::vector<std::thread> threads;
  std::atomic<int> good{0};
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([i, &good] {
      SubprocessOptions o;
      o.argv = {"cat"};
      o.stdin_text = "thread " + std::to_string(i);
      auto r = RunSubprocess(o);
      if (r.ok() && r->stdout_text == "thread " + std::to_string(i)) ++good;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(good.load(), 8);
}

}  // namespace
}  // namespace capstan::base
