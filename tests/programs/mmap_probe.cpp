// Traced by the qemu recorder tests: maps kPages pages, writes one byte to each in the order
// page = i * kStride mod kPages, reads them back in the same order, makes the first half
// read-only and unmaps the region. The tests find exactly these accesses and calls in the trace.
#include <sys/mman.h>

#include <cstddef>
#include <cstdio>

namespace {
constexpr size_t kPage = 4096;
constexpr size_t kPages = 37;  // an odd size, so no other mapping of the program has it
constexpr size_t kStride = 7;
}  // namespace

int main() {
  const size_t bytes = kPages * kPage;
  void* region = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (region == MAP_FAILED) return 1;
  volatile unsigned char* p = static_cast<unsigned char*>(region);
  for (size_t i = 0; i < kPages; ++i) p[(i * kStride % kPages) * kPage] = 1;
  unsigned sum = 0;
  for (size_t i = 0; i < kPages; ++i) sum += p[(i * kStride % kPages) * kPage];
  if (mprotect(region, (kPages / 2) * kPage, PROT_READ) != 0) return 2;
  if (munmap(region, bytes) != 0) return 3;
  return sum == kPages ? 0 : 4;
}
