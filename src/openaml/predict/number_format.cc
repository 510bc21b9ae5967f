#include "openaml/predict/number_format.h"

#include <cmath>
#include <cstdio>
#include <cstring>

namespace openaml::predict {

void AppendScore(double value, std::string* out) {
  if (std::isnan(value)) {
    out->append("NaN");
    return;
  }
  if (std::isinf(value)) {
    out->append(value > 0 ? "Infinity" : "-Infinity");
    return;
  }
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%.6E", value);  // e.g. -1.526385E+01
  const char* e = static_cast<const char*>(std::memchr(buf, 'E', static_cast<size_t>(n)));
  size_t mantissa_end = static_cast<size_t>(e - buf);
  while (mantissa_end > 0 && buf[mantissa_end - 1] == '0' && buf[mantissa_end - 2] != '.') --mantissa_end;
  out->append(buf, mantissa_end);
  out->push_back('E');
  int exponent = std::atoi(e + 1);
  char exp_buf[8];
  int m = std::snprintf(exp_buf, sizeof exp_buf, "%d", exponent);
  out->append(exp_buf, static_cast<size_t>(m));
}

std::string FormatScore(double value) {
  std::string out;
  AppendScore(value, &out);
  return out;
}

}  // namespace openaml::predict
