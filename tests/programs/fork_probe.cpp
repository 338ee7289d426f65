// Traced by the qemu recorder tests: forks once; the child writes a byte to a page of its own
// and exits, the parent waits for it. The trace must show two processes.
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

int main() {
  const pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) {
    void* page = mmap(nullptr, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (page == MAP_FAILED) _exit(2);
    *static_cast<volatile char*>(page) = 1;
    _exit(0);
  }
  int status = 0;
  if (waitpid(pid, &status, 0) != pid) return 3;
  return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 4;
}
