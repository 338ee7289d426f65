// Traced by the qemu recorder tests: starts one thread, which writes a byte to a page the main
// thread mapped, and joins it. The trace must show one process with a second thread.
#include <sys/mman.h>

#include <thread>

int main() {
  void* page = mmap(nullptr, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (page == MAP_FAILED) return 1;
  std::thread worker([page] { *static_cast<volatile char*>(page) = 1; });
  worker.join();
  return *static_cast<volatile char*>(page) == 1 ? 0 : 2;
}
