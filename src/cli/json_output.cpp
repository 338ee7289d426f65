#include "cli/json_output.hpp"

namespace memvirt {

JsonOutput::JsonOutput(const std::string& path, const std::vector<InputFile>& inputs)
    : path_(path) {
  if (!path.empty() && path != "-") file_ = std::make_unique<OutputFile>(path, inputs);
}

}  // namespace memvirt
