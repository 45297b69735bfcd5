// Package supervisor runs the GoNB kernel so that nothing it starts outlives
// it, however it ends.
//
// GoNB keeps a build folder ($TMPDIR/gonb_<id>) and starts gopls as a
// daemon in a process group of its own, plus gopls' telemetry child. When
// GoNB exits normally it removes both; when it is killed (Jupyter's
// shutdown_kernel(now=True), a kernel that does not answer its shutdown in
// time, the OOM killer, a culled JupyterHub server) they stay behind until
// the machine reboots. The kernelspec therefore starts GoNB through
// Supervise:
//
//   - Every kernel gets a private directory, K = $TMPDIR/neuronb-<random>,
//     passed to GoNB as its TMPDIR (so its build folder, gopls socket and the
//     temporary files of cells live inside K), and a marker in the
//     environment, NEURONB_KERNEL_DIR=K, which every process the kernel
//     starts inherits: GoNB, gopls and its children, cell programs and the
//     shell commands of `!` lines.
//   - The supervisor waits for GoNB. It is the Linux child subreaper of
//     everything below it, so daemons GoNB left behind become its children;
//     when GoNB ends it kills every process carrying the marker, removes K
//     and exits with GoNB's status.
//   - Jupyter kills a kernel by sending SIGKILL to its process group, which
//     includes the supervisor. A janitor (the same binary, in a session of
//     its own, outside that group) waits on the supervisor with a pidfd and,
//     once it has gone, does the same cleanup.
//   - At start, a supervisor also removes the directories of kernels whose
//     supervisor and janitor are both gone (a janitor killed too, e.g. by
//     the OOM killer).
//
// Processes are told apart by the marker, not by name, so a concurrent
// kernel's gopls is never touched. Orphans and Stale report what is left on
// a machine (kernels that ran before neuronb had a supervisor, plain GoNB
// kernels) and Clean removes it; `kernel doctor` and `kernel clean` use them.
//
// Process inspection reads Linux's /proc. Elsewhere the supervisor still
// runs GoNB with a private TMPDIR and removes it when GoNB exits, but cannot
// find orphans.
package supervisor
