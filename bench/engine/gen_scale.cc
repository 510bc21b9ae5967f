// Generate a banking-like CSV drawn from a known logistic model (issue 3 scale benchmark).
// Usage: gen_scale ROWS OUT.csv [SEED]. Prints the best possible AUC (of the true probabilities, over all
// rows) on stdout. Columns: the banking schema's 20 inputs and y.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: gen_scale ROWS OUT.csv [SEED]\n");
    return 2;
  }
  long rows = std::atol(argv[1]);
  std::FILE* out = std::fopen(argv[2], "w");
  if (!out) return 1;
  std::mt19937_64 rng(argc > 3 ? std::atoll(argv[3]) : 42);
  std::uniform_real_distribution<double> u(0, 1);
  std::normal_distribution<double> n01(0, 1);
  const char* jobs[] = {"admin.", "blue-collar", "technician", "services", "management", "retired", "entrepreneur",
                        "self-employed", "housemaid", "unemployed", "student", "unknown"};
  const char* marital[] = {"married", "single", "divorced", "unknown"};
  const char* education[] = {"university.degree", "high.school", "basic.9y", "professional.course", "basic.4y",
                             "basic.6y", "unknown", "illiterate"};
  const char* yn[] = {"no", "yes", "unknown"};
  const char* contact[] = {"cellular", "telephone"};
  const char* months[] = {"may", "jul", "aug", "jun", "nov", "apr", "oct", "sep", "mar", "dec"};
  const char* days[] = {"mon", "tue", "wed", "thu", "fri"};
  const char* poutcome[] = {"nonexistent", "failure", "success"};
  // Effects of the known model.
  double job_w[12], month_w[10];
  for (double& w : job_w) w = n01(rng) * 0.3;
  for (double& w : month_w) w = n01(rng) * 0.6;
  double marital_w[] = {0, 0.1, -0.05, 0.2}, edu_w[] = {0.15, 0, -0.1, 0.05, -0.15, -0.1, 0.1, 0.3};
  double contact_w[] = {0.4, -0.4}, pout_w[] = {0, -0.3, 1.8}, day_w[] = {-0.1, 0.05, 0.1, 0.05, -0.05};
  std::vector<std::pair<float, unsigned char>> truth;
  truth.reserve(rows);
  std::fprintf(out, "age,job,marital,education,default,housing,loan,contact,month,day_of_week,duration,campaign,pdays,"
                    "previous,poutcome,emp_var_rate,cons_price_idx,cons_conf_idx,euribor3m,nr_employed,y\n");
  char line[512];
  for (long r = 0; r < rows; ++r) {
    int age = 18 + static_cast<int>(std::min(80.0, std::fabs(n01(rng) * 11 + 22)));
    int j = rng() % 12, m = rng() % 4, e = rng() % 8, d = rng() % 3, h = rng() % 3, l = rng() % 3, c = rng() % 2;
    int mo = rng() % 10, dw = rng() % 5;
    double duration = std::floor(-std::log(u(rng)) * 250);
    int campaign = 1 + static_cast<int>(-std::log(u(rng)) * 1.5);
    int po = u(rng) < 0.86 ? 0 : (u(rng) < 0.75 ? 1 : 2);
    int pdays = po == 0 ? 999 : static_cast<int>(rng() % 27);
    int previous = po == 0 ? 0 : 1 + static_cast<int>(rng() % 3);
    double emp = std::round((n01(rng) * 1.5 + 0.1) * 10) / 10;
    double cpi = 93.5 + u(rng) * 1.3, cci = -50 + u(rng) * 25, eur = std::max(0.6, 3.6 + emp * 1.2 + n01(rng) * 0.3);
    double nre = 5100 + emp * 40 + n01(rng) * 10;
    double logit = -2.6 + job_w[j] + marital_w[m] + edu_w[e] + (d == 1 ? -1.0 : 0) + contact_w[c] + month_w[mo] +
                   day_w[dw] + pout_w[po] + 0.0045 * std::min(duration, 1500.0) - 0.08 * (campaign - 1) -
                   0.5 * emp + (age > 60 ? 0.6 : 0) + (age < 25 ? 0.4 : 0) + 0.02 * (cci + 40);
    double p = 1 / (1 + std::exp(-logit));
    int y = u(rng) < p ? 1 : 0;
    truth.push_back({static_cast<float>(p), static_cast<unsigned char>(y)});
    int len = std::snprintf(line, sizeof line, "%d,%s,%s,%s,%s,%s,%s,%s,%s,%s,%.0f,%d,%d,%d,%s,%.1f,%.3f,%.1f,%.3f,%.1f,%d\n",
                            age, jobs[j], marital[m], education[e], yn[d], yn[h], yn[l], contact[c], months[mo],
                            days[dw], duration, campaign, pdays, previous, poutcome[po], emp, cpi, cci, eur, nre, y);
    std::fwrite(line, 1, len, out);
  }
  std::fclose(out);
  // Exact AUC of the true probabilities (ties count one half).
  std::sort(truth.begin(), truth.end());
  double pos = 0, neg = 0, rank_sum = 0;
  size_t i = 0;
  while (i < truth.size()) {
    size_t k = i;
    double p_in = 0;
    while (k < truth.size() && truth[k].first == truth[i].first) p_in += truth[k++].second;
    rank_sum += p_in * (static_cast<double>(i + 1) + static_cast<double>(k)) / 2;
    pos += p_in;
    neg += static_cast<double>(k - i) - p_in;
    i = k;
  }
  std::printf("%.6f\n", (rank_sum - pos * (pos + 1) / 2) / (pos * neg));
  return 0;
}
