# cmake -DINPUT=probe.bin -DOUTPUT=probe_payload.cpp -P embed_binary.cmake
file(READ ${INPUT} HEX HEX)
string(LENGTH "${HEX}" HEX_LENGTH)
if(HEX_LENGTH EQUAL 0)
  message(FATAL_ERROR "${INPUT} is empty")
endif()
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," BYTES "${HEX}")
string(REGEX REPLACE "(0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,0x..,)" "\\1\n  "
       BYTES "${BYTES}")
file(WRITE ${OUTPUT} "// Generated from ${INPUT} by embed_binary.cmake; do not edit.
#include \"guest/probe_payload.hpp\"

namespace memvirt {
namespace {
constexpr uint8_t kPayload[] = {
  ${BYTES}
};
}  // namespace

std::span<const uint8_t> probe_payload() { return kPayload; }

}  // namespace memvirt
")
