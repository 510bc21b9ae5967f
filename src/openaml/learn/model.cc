#include "openaml/learn/model.h"

#include <cstring>
#include <fstream>
#include <sstream>

#include "nlohmann/json.hpp"
#include "openaml/common/str_cat.h"
#include "xxhash.h"

namespace openaml::learn {
namespace {

constexpr char kMagic[8] = {'O', 'A', 'M', 'L', 'M', 'D', 'L', '\0'};
constexpr size_t kHeaderBytes = 64;
constexpr size_t kSectionEntryBytes = 24;
enum SectionId : uint32_t { kMetadata = 1, kKeys = 2, kWeights = 3, kBias = 4 };

static_assert(std::endian::native == std::endian::little, "the model format is little-endian");

template <typename T>
void Put(std::string* out, size_t at, T value) {
  std::memcpy(out->data() + at, &value, sizeof(T));
}
template <typename T>
T Get(std::string_view in, size_t at) {
  T value;
  std::memcpy(&value, in.data() + at, sizeof(T));
  return value;
}
size_t Align8(size_t n) { return (n + 7) & ~size_t{7}; }

std::string MetadataJson(const Model& m) {
  nlohmann::json summary = {{"records", m.summary.records},
                            {"invalidRecords", m.summary.invalid_records},
                            {"passes", m.summary.passes},
                            {"featuresDropped", m.summary.features_dropped},
                            {"targetMean", m.summary.target_mean},
                            {"classCounts", m.summary.class_counts}};
  nlohmann::json doc = {{"schema", m.schema_json},
                        {"recipe", m.recipe_json},
                        {"fit", m.fit_json},
                        {"classes", m.classes},
                        {"trainingParameters", m.training_parameters_json},
                        {"featureHash", "xxh3-64+splitmix-combine/v1"},
                        {"summary", summary}};
  return doc.dump();
}

}  // namespace

std::string_view ModelTypeName(ModelType type) {
  switch (type) {
    case ModelType::kBinary: return "BINARY";
    case ModelType::kMulticlass: return "MULTICLASS";
    case ModelType::kRegression: return "REGRESSION";
  }
  return "?";
}

void Model::BuildIndex() {
  index_.clear();
  index_.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) index_.emplace(keys[i], static_cast<uint32_t>(i));
}

uint64_t Model::SerializedSize() const {
  size_t sections = 4;
  size_t size = kHeaderBytes + sections * kSectionEntryBytes;
  size += Align8(MetadataJson(*this).size());
  size += Align8(keys.size() * 8) + Align8(weights.size() * 4) + Align8(bias.size() * 4);
  return size + 8;
}

std::string Model::Serialize() const {
  std::string meta = MetadataJson(*this);
  struct Section {
    uint32_t id;
    const void* data;
    size_t size;
  };
  Section sections[] = {{kMetadata, meta.data(), meta.size()},
                        {kKeys, keys.data(), keys.size() * 8},
                        {kWeights, weights.data(), weights.size() * 4},
                        {kBias, bias.data(), bias.size() * 4}};
  size_t count = std::size(sections);
  size_t offset = kHeaderBytes + count * kSectionEntryBytes;
  size_t total = offset;
  for (const Section& s : sections) total += Align8(s.size);
  total += 8;
  std::string out(total, '\0');
  std::memcpy(out.data(), kMagic, 8);
  Put<uint32_t>(&out, 8, kModelFormatVersion);
  Put<uint32_t>(&out, 12, kHeaderBytes);
  Put<uint64_t>(&out, 16, total);
  Put<uint32_t>(&out, 24, static_cast<uint32_t>(type));
  Put<uint32_t>(&out, 28, static_cast<uint32_t>(width()));
  Put<uint64_t>(&out, 32, keys.size());
  Put<uint32_t>(&out, 40, static_cast<uint32_t>(count));
  Put<uint32_t>(&out, 44, 0);
  Put<double>(&out, 48, score_threshold);
  for (size_t i = 0; i < count; ++i) {
    size_t entry = kHeaderBytes + i * kSectionEntryBytes;
    Put<uint32_t>(&out, entry, sections[i].id);
    Put<uint64_t>(&out, entry + 8, offset);
    Put<uint64_t>(&out, entry + 16, sections[i].size);
    if (sections[i].size) std::memcpy(out.data() + offset, sections[i].data, sections[i].size);
    offset += Align8(sections[i].size);
  }
  Put<uint64_t>(&out, total - 8, XXH3_64bits(out.data(), total - 8));
  return out;
}

Result<std::shared_ptr<Model>> Model::Parse(std::string_view in) {
  if (in.size() < kHeaderBytes + 8 || std::memcmp(in.data(), kMagic, 8) != 0)
    return absl::InvalidArgumentError("not an openaml model file (bad magic number)");
  uint32_t version = Get<uint32_t>(in, 8);
  if (version != kModelFormatVersion)
    return absl::FailedPreconditionError(
        StrCat("model file format version ", version, " is not supported (this build reads version ", kModelFormatVersion, ")"));
  uint64_t total = Get<uint64_t>(in, 16);
  if (total != in.size())
    return absl::DataLossError(StrCat("model file is truncated or padded: header says ", total, " bytes, file has ", in.size()));
  if (Get<uint64_t>(in, total - 8) != XXH3_64bits(in.data(), total - 8))
    return absl::DataLossError("model file is corrupted (checksum mismatch)");
  auto model = std::make_shared<Model>();
  uint32_t type = Get<uint32_t>(in, 24);
  if (type > 2) return absl::DataLossError("model file has an unknown model type");
  model->type = static_cast<ModelType>(type);
  uint32_t width = Get<uint32_t>(in, 28);
  uint64_t features = Get<uint64_t>(in, 32);
  uint32_t count = Get<uint32_t>(in, 40);
  model->score_threshold = Get<double>(in, 48);
  if (width == 0 || width > 100 || count > 64 || kHeaderBytes + count * kSectionEntryBytes > total - 8)
    return absl::DataLossError("model file header is inconsistent");
  std::string_view section[5];
  for (uint32_t i = 0; i < count; ++i) {
    size_t entry = kHeaderBytes + i * kSectionEntryBytes;
    uint32_t id = Get<uint32_t>(in, entry);
    uint64_t offset = Get<uint64_t>(in, entry + 8), size = Get<uint64_t>(in, entry + 16);
    if (offset > total - 8 || size > total - 8 - offset) return absl::DataLossError("model file section out of bounds");
    if (id >= 1 && id <= 4) section[id] = in.substr(offset, size);
  }
  if (section[kKeys].size() != features * 8 || section[kWeights].size() != features * width * 4 ||
      section[kBias].size() != width * 4)
    return absl::DataLossError("model file sections do not match the header");
  model->keys.resize(features);
  std::memcpy(model->keys.data(), section[kKeys].data(), section[kKeys].size());
  model->weights.resize(features * width);
  std::memcpy(model->weights.data(), section[kWeights].data(), section[kWeights].size());
  model->bias.resize(width);
  std::memcpy(model->bias.data(), section[kBias].data(), section[kBias].size());
  try {
    nlohmann::json meta = nlohmann::json::parse(section[kMetadata]);
    model->schema_json = meta.at("schema").get<std::string>();
    model->recipe_json = meta.at("recipe").get<std::string>();
    model->fit_json = meta.at("fit").get<std::string>();
    model->classes = meta.at("classes").get<std::vector<std::string>>();
    model->training_parameters_json = meta.at("trainingParameters").get<std::string>();
    const auto& s = meta.at("summary");
    model->summary.records = s.at("records").get<uint64_t>();
    model->summary.invalid_records = s.at("invalidRecords").get<uint64_t>();
    model->summary.passes = s.at("passes").get<int>();
    model->summary.features_dropped = s.at("featuresDropped").get<uint64_t>();
    model->summary.target_mean = s.at("targetMean").get<double>();
    model->summary.class_counts = s.at("classCounts").get<std::vector<uint64_t>>();
  } catch (const nlohmann::json::exception& e) {
    return absl::DataLossError(StrCat("model file metadata is malformed: ", e.what()));
  }
  if (model->type == ModelType::kMulticlass && model->classes.size() != width)
    return absl::DataLossError("model file class list does not match its weights");
  model->BuildIndex();
  return model;
}

Result<std::shared_ptr<Model>> Model::Load(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) return absl::NotFoundError(StrCat("cannot open model file ", path));
  std::stringstream buffer;
  buffer << file.rdbuf();
  if (file.bad()) return absl::DataLossError(StrCat("cannot read model file ", path));
  auto model = Parse(buffer.str());
  if (!model.ok()) return WithContext(model.status(), StrCat("model file ", path));
  return model;
}

}  // namespace openaml::learn
