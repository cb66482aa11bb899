# Every third-party library capstan links, found the way ../shared/DEPENDENCIES.md checked.
find_package(Threads REQUIRED)
find_package(PkgConfig REQUIRED)
find_package(nlohmann_json 3.11 REQUIRED)
find_package(simdjson 3 REQUIRED)
find_package(CURL 7.88 REQUIRED)
find_package(CLI11 2.1 REQUIRED)
find_package(fmt 9 REQUIRED)
find_package(spdlog 1.10 REQUIRED)
find_package(GTest REQUIRED)
find_package(rapidcheck REQUIRED)  # targets rapidcheck, rapidcheck_gtest (not namespaced)
find_package(OpenSSL REQUIRED)
pkg_check_modules(YAML REQUIRED IMPORTED_TARGET yaml-0.1)
pkg_check_modules(HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib>=0.11)
pkg_check_modules(GIT2 REQUIRED IMPORTED_TARGET libgit2>=1.5)
# libjq (Debian libjq-dev) ships no .pc file: found by header and library (diff's jqPathExpressions).
find_path(JQ_INCLUDE_DIR jq.h REQUIRED)
find_library(JQ_LIBRARY jq REQUIRED)
add_library(jq::jq UNKNOWN IMPORTED)
set_target_properties(jq::jq PROPERTIES IMPORTED_LOCATION ${JQ_LIBRARY} INTERFACE_INCLUDE_DIRECTORIES ${JQ_INCLUDE_DIR})
# Lua 5.4 built as C++ (lua errors unwind C++ frames): the health module's sandboxed Lua checks.
pkg_check_modules(LUA REQUIRED IMPORTED_TARGET lua5.4-c++)
# libjsonnet (Debian libjsonnet-dev) ships no .pc or CMake config: the C++ wrapper, then the C library.
find_path(JSONNET_INCLUDE_DIR libjsonnet++.h REQUIRED)
find_library(JSONNET_CPP_LIB jsonnet++ REQUIRED)
find_library(JSONNET_LIB jsonnet REQUIRED)
add_library(jsonnet::jsonnet INTERFACE IMPORTED)
set_target_properties(jsonnet::jsonnet PROPERTIES INTERFACE_LINK_LIBRARIES "${JSONNET_CPP_LIB};${JSONNET_LIB}"
                      INTERFACE_INCLUDE_DIRECTORIES ${JSONNET_INCLUDE_DIR})
