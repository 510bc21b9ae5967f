# openaml_add_library(NAME SRCS a.cc b.cc DEPS other_lib ...)
#   One static library per domain (src/openaml/<domain>), named openaml_<domain>.
#   Headers sit beside sources and are included as "openaml/<domain>/x.h".
function(openaml_add_library name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_library(openaml_${name} STATIC ${ARG_SRCS})
  target_include_directories(openaml_${name} PUBLIC ${PROJECT_SOURCE_DIR}/src)
  target_link_libraries(openaml_${name} PUBLIC ${ARG_DEPS})
endfunction()

# openaml_add_test(NAME SRCS a_test.cc ... DEPS openaml_x ...)
#   One GoogleTest binary per domain, registered with CTest test by test.
function(openaml_add_test name)
  cmake_parse_arguments(ARG "" "" "SRCS;DEPS" ${ARGN})
  add_executable(${name} ${ARG_SRCS})
  target_link_libraries(${name} PRIVATE ${ARG_DEPS} GTest::gtest GTest::gmock GTest::gtest_main)
  target_compile_definitions(${name} PRIVATE OPENAML_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
  include(GoogleTest)
  gtest_discover_tests(${name} DISCOVERY_TIMEOUT 60 PROPERTIES LABELS unit)
endfunction()
