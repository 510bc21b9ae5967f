#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "openaml/recipe/default_recipe.h"
#include "openaml/recipe/feature_program.h"
#include "openaml/recipe/recipe.h"
#include "fmt/format.h"
#include "nlohmann/json.hpp"
#include "openaml/recipe/transforms/registry.h"
#include "openaml/schema/value_rules.h"

namespace openaml::recipe {
namespace {

using ::testing::HasSubstr;

Schema TestSchema() {
  Schema s;
  s.target = "y";
  s.attributes = {{"age", AttributeType::kNumeric},     {"job", AttributeType::kCategorical},
                  {"title", AttributeType::kText},      {"hours-per-week", AttributeType::kNumeric},
                  {"loan", AttributeType::kBinary},     {"y", AttributeType::kBinary},
                  {"2nd", AttributeType::kCategorical}};
  return s;
}

Result<std::shared_ptr<FeatureProgram>> CompileText(std::string_view json) {
  OPENAML_ASSIGN_OR_RETURN(Recipe recipe, Recipe::Parse(json));
  return FeatureProgram::Compile(recipe, TestSchema());
}

std::string ErrorOf(std::string_view json) {
  auto program = CompileText(json);
  if (program.ok()) return "OK";
  EXPECT_EQ(program.status().code(), absl::StatusCode::kInvalidArgument);
  return std::string(program.status().message());
}

TEST(RecipeParse, ParsesSectionsAndComments) {
  auto recipe = Recipe::Parse(R"J({"groups": {"G": "group(age, 'hours-per-week')"},
    "assignments": {"b": "quantile_bin(age, 10)"},
    "outputs": ["b", "job // keep the raw value", "cartesian(job, b)"]})J");
  ASSERT_TRUE(recipe.ok()) << recipe.status();
  ASSERT_EQ(recipe->groups.size(), 1u);
  EXPECT_EQ(recipe->groups[0].members.size(), 2u);
  EXPECT_EQ(recipe->outputs[1].source, "job ");
  EXPECT_EQ(recipe->outputs[2].expr.ToString(), "cartesian(job,b)");
}

struct BadRecipeCase {
  const char* json;
  const char* expected;  // substring of the message
};

class BadRecipe : public ::testing::TestWithParam<BadRecipeCase> {};

TEST_P(BadRecipe, NamesPositionAndProblem) {
  EXPECT_THAT(ErrorOf(GetParam().json), HasSubstr(GetParam().expected));
}

INSTANTIATE_TEST_SUITE_P(
    Errors, BadRecipe,
    ::testing::Values(
        BadRecipeCase{"", "not valid JSON at character"},
        BadRecipeCase{"{\"outputs\": [\"age\"", "not valid JSON"},
        BadRecipeCase{"[]", "must be a JSON object"},
        BadRecipeCase{R"J({"outputs": []})J", "outputs must be a non-empty array"},
        BadRecipeCase{R"J({"groups": {}})J", "outputs must be a non-empty array"},
        BadRecipeCase{R"J({"outputs": [1]})J", "outputs[0] must be a string"},
        BadRecipeCase{R"J({"outputs": ["age"], "extra": 1})J", "unknown section 'extra'"},
        BadRecipeCase{R"J({"outputs": ["nosuch"]})J", "outputs[0] \"nosuch\" at character 1: 'nosuch' is not a variable"},
        BadRecipeCase{R"J({"outputs": ["quantile_bin(age,3)"]})J", "at character 18: quantile_bin's n must be 5-1000, got 3"},
        BadRecipeCase{R"J({"outputs": ["quantile_bin(age,1001)"]})J", "must be 5-1000, got 1001"},
        BadRecipeCase{R"J({"outputs": ["ngram(title,1)"]})J", "at character 13: ngram's n must be 2-10"},
        BadRecipeCase{R"J({"outputs": ["osb(title,11)"]})J", "osb's w must be 2-10"},
        BadRecipeCase{R"J({"outputs": ["quantile_bin(job,10)"]})J", "at character 14: quantile_bin accepts NUMERIC but job is CATEGORICAL"},
        BadRecipeCase{R"J({"outputs": ["lowercase(age)"]})J", "lowercase accepts TEXT but age is NUMERIC"},
        BadRecipeCase{R"J({"outputs": ["cartesian(job)"]})J", "cartesian takes 2 arguments"},
        BadRecipeCase{R"J({"outputs": ["ngram(title)"]})J", "ngram takes 2 arguments"},
        BadRecipeCase{R"J({"outputs": ["ngram(title, x)"]})J", "last argument must be an integer"},
        BadRecipeCase{R"J({"outputs": ["frobnicate(age)"]})J", "at character 1: unknown transformation 'frobnicate'"},
        BadRecipeCase{R"J({"outputs": ["lowercase(title"]})J", "missing ')'"},
        BadRecipeCase{R"J({"outputs": ["lowercase(title))"]})J", "at character 17: unexpected ')'"},
        BadRecipeCase{R"J({"outputs": ["'age"]})J", "unterminated quoted name"},
        BadRecipeCase{R"J({"outputs": ["2nd"]})J", "does not start with a letter and must be quoted"},
        BadRecipeCase{R"J({"outputs": ["y"]})J", "'y' is the target"},
        BadRecipeCase{R"J({"outputs": ["42"]})J", "a number is not allowed here"},
        BadRecipeCase{R"J({"outputs": ["group(age)"]})J", "allowed only in the groups section"},
        BadRecipeCase{R"J({"groups": {"G": "quantile_bin(age,10)"}, "outputs": ["G"]})J", "a group must be group"},
        BadRecipeCase{R"J({"groups": {"G": "group(ALL_INPUTS)"}, "outputs": ["G"]})J", "ALL_INPUTS cannot be used to build a group"},
        BadRecipeCase{R"J({"groups": {"G": "group_remove(age, job)"}, "outputs": ["G"]})J", "first argument 'age' must be a group"},
        BadRecipeCase{R"J({"groups": {"G": "group_remove(ALL_NUMERIC)"}, "outputs": ["G"]})J", "group_remove needs a group"},
        BadRecipeCase{R"J({"groups": {"1G": "group(age)"}, "outputs": ["age"]})J", "must start with a letter"},
        BadRecipeCase{R"J({"groups": {"ALL_TEXT": "group(age)"}, "outputs": ["age"]})J", "built-in group"},
        BadRecipeCase{R"J({"assignments": {"a": "b", "b": "age"}, "outputs": ["a"]})J", "'b' is used before it is defined"},
        BadRecipeCase{R"J({"outputs": ["lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(lowercase(title)))))))))))))))))))))))))))))))))"]})J", "nested deeper than"}));

TEST(RecipeParse, RefusesOversizedRecipe) {
  std::string big = std::string("{\"outputs\": [\"") + std::string(200000, 'a') + "\"]}";
  auto recipe = Recipe::Parse(big);
  ASSERT_FALSE(recipe.ok());
  EXPECT_THAT(std::string(recipe.status().message()), HasSubstr("more than the limit"));
}

TEST(RecipeParse, SurvivesHostileInputs) {
  const char* hostile[] = {"{\"outputs\":[\"(((((\"]}", "{\"outputs\":[\",,,\"]}", "{\"outputs\":[\"a(,)\"]}",
                           "{\"outputs\":[\"'\"]}", "{\"outputs\":[\"\\u0000\"]}", "{\"outputs\":[\"99999999999999999999\"]}",
                           "{\"outputs\":[\"ngram(title,-5)\"]}", "{\"outputs\":[\"\"]}", "{\"outputs\":null}"};
  for (const char* json : hostile) EXPECT_NE(ErrorOf(json), "OK") << json;
}

TEST(RecipeCompile, BuiltinGroupsExcludeTargetAndExpandPerMember) {
  auto program = CompileText(R"J({"outputs": ["ALL_NUMERIC", "ALL_BINARY", "quantile_bin(ALL_NUMERIC,10)"]})J");
  ASSERT_TRUE(program.ok()) << program.status();
  EXPECT_EQ((*program)->output_count(), 5u);  // age, hours, loan (not y), 2 binned
  EXPECT_EQ((*program)->attributes_to_fit().size(), 2u);
}

TEST(RecipeCompile, GroupRemoveAndDuplicateOutputs) {
  auto program = CompileText(R"J({"groups": {"G": "group_remove(ALL_INPUTS_NOT_ALLOWED_ANYWAY, age)"}, "outputs": ["age"]})J");
  EXPECT_FALSE(program.ok());
  program = CompileText(R"J({"groups": {"N": "group(ALL_NUMERIC, job)", "M": "group_remove(N, age)"},
                            "outputs": ["M", "M", "hours-per-week"]})J");
  ASSERT_TRUE(program.ok()) << program.status();
  EXPECT_EQ((*program)->output_count(), 2u);  // hours-per-week and job, each once
}

TEST(RecipeCompile, TooManyOutputsRefused) {
  RecipeLimits limits;
  limits.max_output_features = 2;
  auto recipe = Recipe::Parse(R"J({"outputs": ["ALL_INPUTS"]})J");
  ASSERT_TRUE(recipe.ok());
  auto program = FeatureProgram::Compile(*recipe, TestSchema(), limits);
  ASSERT_FALSE(program.ok());
  EXPECT_THAT(std::string(program.status().message()), HasSubstr("more than 2 output variables"));
}

std::vector<std::string_view> Row(std::vector<std::string_view> fields) { return fields; }

TEST(FeatureExtractor, QuantileBinKeysEqualTheReferenceKernel) {
 for (int bins : {20, 300}) {  // the short (linear count) and long (binary search) paths
  std::string label = fmt::format("quantile_bin(age,{})", bins);
  auto program = CompileText(fmt::format(R"J({{"outputs": ["{}"]}})J", label));
  ASSERT_TRUE(program.ok());
  std::vector<FitSampler> samplers(1);
  int distinct = bins == 20 ? 37 : 5000;  // 37: ties, fewer distinct boundaries than bins
  for (int i = 0; i < 10000; ++i) samplers[0].Add((i % distinct) * 0.5);
  (*program)->Fit(samplers);
  std::vector<double> boundaries = nlohmann::json::parse((*program)->FitJson())["nodes"][0]["boundaries"];
  ASSERT_GT(boundaries.size(), bins == 20 ? 3u : 64u);
  const uint64_t seed = HashToken(label);
  FeatureExtractor extractor(*program);
  std::vector<Feature> out;
  std::vector<std::string> texts = {"", "-5", "0", "18", "1e9"};
  for (double b : boundaries) {
    texts.push_back(fmt::format("{}", b));
    texts.push_back(fmt::format("{}", b + 0.25));
    texts.push_back(fmt::format("{}", b - 0.25));
  }
  for (const std::string& text : texts) {
    // The bin token as Amazon ML defines it: 1 + the number of boundaries <= value, 0 when missing.
    double number = 0;
    const bool missing = ParseNumeric(text, &number) != ValueState::kPresent;
    const uint64_t token =
        missing ? 0 : 1 + (std::upper_bound(boundaries.begin(), boundaries.end(), number) - boundaries.begin());
    extractor.Extract(Row({text, "x", "", "", "", "1", "z"}), &out);
    ASSERT_EQ(out.size(), 1u);
    EXPECT_EQ(out[0].key, CombineHashes(seed, token)) << text;
  }
 }
}

TEST(FeatureExtractor, CategoricalKeysAreTheOutputSeedCombinedWithTheTokenHash) {
  auto program = CompileText(R"J({"outputs": ["ALL_CATEGORICAL"]})J");
  ASSERT_TRUE(program.ok());
  FeatureExtractor extractor(*program);
  std::vector<Feature> out;
  const uint64_t job_seed = HashToken("job"), second_seed = HashToken("'2nd'");
  // Tokens of equal length and ends, an empty one, long ones, repeated in mixed order.
  std::vector<std::string> tokens = {"ab", "ab", "aXb", "aYb", "", "a", "a", std::string(25, 'q'), "aYb", "aXb",
                                     std::string(25, 'q'), "", "blue-collar", "admin.", "blue-collar"};
  for (int round = 0; round < 2; ++round) {
    for (const std::string& t : tokens) {
      extractor.Extract(Row({"1", t, "", "", "", "1", "z"}), &out);
      ASSERT_EQ(out.size(), 2u);
      EXPECT_EQ(out[0].key, CombineHashes(job_seed, HashToken(t))) << t;
      EXPECT_EQ(out[1].key, CombineHashes(second_seed, HashToken("z")));
    }
  }
}

TEST(FeatureExtractor, MissingNumericGivesIndicatorAndBinsAreFitted) {
  auto program = CompileText(R"J({"outputs": ["age", "quantile_bin(age,5)"]})J");
  ASSERT_TRUE(program.ok());
  std::vector<FitSampler> samplers(1);
  for (int i = 1; i <= 100; ++i) samplers[0].Add(i);
  (*program)->Fit(samplers);
  FeatureExtractor extractor(*program);
  std::vector<Feature> a, b, missing;
  auto r1 = Row({"10", "x", "", "", "", "1", "z"});
  auto r2 = Row({"11", "x", "", "", "", "1", "z"});
  auto r3 = Row({"", "x", "", "", "", "1", "z"});
  extractor.Extract(r1, &a);
  extractor.Extract(r2, &b);
  extractor.Extract(r3, &missing);
  ASSERT_EQ(a.size(), 2u);
  EXPECT_FLOAT_EQ(a[0].value, 10.0f);
  EXPECT_EQ(a[0].key, b[0].key);  // same numeric feature
  EXPECT_EQ(a[1].key, b[1].key);  // 10 and 11 fall in the same of 5 bins
  ASSERT_EQ(missing.size(), 2u);
  EXPECT_NE(missing[0].key, a[0].key);
  EXPECT_NE(missing[1].key, a[1].key);
}

TEST(FeatureExtractor, TextTransformsMatchSpecExamples) {
  NodeValue in, lower, nopunct, grams, osb;
  std::string text = "I really enjoyed reading this book";
  TokenizeWhitespace(text, &in);
  ApplyNgram(in, 2, &grams);
  EXPECT_EQ(grams.hashes.size(), 11u);  // 6 words + 5 bigrams (spec §7.3)
  std::string fox = "The quick brown fox jumps over the lazy dog";
  TokenizeWhitespace(fox, &in);
  ApplyOsb(in, 4, &osb);
  EXPECT_EQ(osb.hashes.size(), 6u * 3 + 2 + 1);  // windows shrink near the end
  EXPECT_EQ(osb.hashes[0], CombineHashes(CombineHashes(HashToken("The"), 1), HashToken("quick")));
  std::string punct = "Seat-Belts! - ok";
  TokenizeWhitespace(punct, &in);
  ApplyLowercase(in, &lower);
  ApplyNoPunct(lower, &nopunct);
  ASSERT_EQ(nopunct.tokens.size(), 2u);
  EXPECT_EQ(nopunct.tokens[0], "seat-belts");
  EXPECT_EQ(nopunct.tokens[1], "ok");
}

TEST(FeatureExtractor, CartesianCrossesEveryToken) {
  auto program = CompileText(R"J({"outputs": ["cartesian(no_punct(title), job)"]})J");
  ASSERT_TRUE(program.ok()) << program.status();
  FeatureExtractor extractor(*program);
  std::vector<Feature> out;
  auto r = Row({"1", "Hardcover", "Economics: Principles, Problems, Policies", "", "", "", ""});
  extractor.Extract(r, &out);
  EXPECT_EQ(out.size(), 4u);
}

TEST(FeatureExtractor, AbsentCategoricalYieldsNothingButEmptyIsAValue) {
  auto program = CompileText(R"J({"outputs": ["job"]})J");
  ASSERT_TRUE(program.ok());
  FeatureExtractor extractor(*program);
  std::vector<Feature> out;
  auto r = Row({"", "", "", "", "", "", ""});
  extractor.Extract(r, &out);
  EXPECT_EQ(out.size(), 1u);
  std::vector<bool> absent(7, true);
  extractor.Extract(r, &out, &absent);
  EXPECT_EQ(out.size(), 0u);
}

TEST(FeatureProgram, FitJsonRoundTrips) {
  auto program = CompileText(R"J({"outputs": ["quantile_bin(age,5)", "normalize(hours-per-week)"]})J");
  ASSERT_TRUE(program.ok());
  std::vector<FitSampler> samplers(2);
  for (int i = 0; i < 50; ++i) {
    samplers[0].Add(i);
    samplers[1].Add(i * 2);
  }
  (*program)->Fit(samplers);
  auto copy = CompileText(R"J({"outputs": ["quantile_bin(age,5)", "normalize(hours-per-week)"]})J");
  ASSERT_TRUE((*copy)->LoadFitJson((*program)->FitJson()).ok());
  EXPECT_EQ((*copy)->FitJson(), (*program)->FitJson());
  EXPECT_FALSE((*copy)->LoadFitJson("{").ok());
  EXPECT_FALSE((*copy)->LoadFitJson(R"J({"nodes":[{"label":"nope"}]})J").ok());
}

// Reserve only makes room: the reservoir (past its maximum too) and the moments are the same with any
// reservation, over or under the rows added.
TEST(FitSampler, ReserveChangesNothingButCapacity) {
  FitSampler plain(1000, 3), under(1000, 3), over(1000, 3);
  under.Reserve(10);
  over.Reserve(1u << 30);
  EXPECT_LE(over.sample().capacity(), 1000u);  // never beyond the maximum sample
  for (int i = 0; i < 5000; ++i) {
    double v = (i * 7919) % 1013 - 500.5;
    plain.Add(v);
    under.Add(v);
    over.Add(v);
  }
  EXPECT_EQ(plain.sample(), under.sample());
  EXPECT_EQ(plain.sample(), over.sample());
  EXPECT_EQ(plain.mean(), over.mean());
  EXPECT_EQ(plain.stddev(), over.stddev());
}

TEST(QuantileBoundaries, EqualPopulationWithTies) {
  std::vector<double> sample;
  for (int i = 0; i < 90; ++i) sample.push_back(999);
  for (int i = 0; i < 10; ++i) sample.push_back(i);
  std::vector<double> b = QuantileBoundaries(sample, 10);
  EXPECT_EQ(b, std::vector<double>({999}));  // ties collapse
}

TEST(DefaultRecipe, GroupsNumericByBinCountAndCompiles) {
  std::map<std::string, NumericSummary> numeric = {{"age", {78, 41188}}, {"hours-per-week", {1000, 16000}}};
  std::string json = DefaultRecipeJson(TestSchema(), numeric);
  EXPECT_THAT(json, HasSubstr("quantile_bin(NUMERIC_VARS_QB_20,20)"));  // age: 78 distinct
  // hours-per-week: many distinct values, but 16,000 examples only fill 50 bins of 300 or more.
  EXPECT_THAT(json, HasSubstr("quantile_bin(NUMERIC_VARS_QB_50,50)"));
  EXPECT_THAT(DefaultRecipeJson(TestSchema(), {{"age", {3, 100}}}), HasSubstr("quantile_bin(NUMERIC_VARS_QB_10,10)"));
  EXPECT_THAT(json, HasSubstr("ALL_TEXT"));
  EXPECT_TRUE(CompileText(json).ok()) << json;
}

TEST(TransformRegistry, EveryTransformDocumented) {
  for (const TransformInfo& t : TransformRegistry::Default().all()) {
    EXPECT_FALSE(t.description.empty());
    EXPECT_FALSE(t.example.empty());
    EXPECT_EQ(TransformRegistry::Default().Find(t.name), &t);
  }
  EXPECT_EQ(TransformRegistry::Default().all().size(), 7u);
}

}  // namespace
}  // namespace openaml::recipe
