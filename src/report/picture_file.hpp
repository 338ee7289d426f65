#pragma once
// The file a picture is drawn into: opened under a temporary name beside its final path before
// the renderer starts, and renamed over that path only once it holds a picture. A reader sees
// the old picture or the new one, and a failed run leaves no half-drawn file behind.
#include <string>

namespace memvirt {

class PictureFile {
 public:
  // Throws std::runtime_error naming `path` if it is a directory or its temporary file cannot
  // be created (a missing directory, no permission).
  explicit PictureFile(std::string path);
  // Removes the temporary file unless committed.
  ~PictureFile();
  PictureFile(const PictureFile&) = delete;
  PictureFile& operator=(const PictureFile&) = delete;

  // Where the renderer writes.
  int fd() const { return fd_; }
  // Renames the temporary file over the path. Throws std::runtime_error if it is empty (the
  // renderer drew nothing) or cannot be renamed.
  void commit();

 private:
  std::string path_;
  std::string temp_;
  int fd_ = -1;
  bool committed_ = false;
};

}  // namespace memvirt
