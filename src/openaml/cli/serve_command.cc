// `openaml serve`: the HTTP service (S3 API, Amazon ML API, /healthz) on a data directory.
#include <openssl/rand.h>
#include <sys/stat.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>

#include "openaml/auth/sigv4.h"
#include "openaml/cli/commands.h"
#include "openaml/common/logging.h"
#include "openaml/common/status.h"
#include "openaml/http/server.h"
#include "openaml/service/ml_api.h"
#include "openaml/storage/objects/local_object_store.h"

namespace openaml::cli {
namespace {

namespace fs = std::filesystem;

struct ServeArgs {
  std::string data_dir = "./openaml-data";
  std::string listen = "127.0.0.1:8600";
  std::string public_url;
  int threads = 0;
  std::string bootstrap_example;
  std::string log_level = "info";
  std::string console_dir;     // empty: console-dist beside the executable (where the build puts it)
  std::string databases_file;  // empty: <data-dir>/databases.json (docs/databases.md)
};

std::string RandomString(std::string_view alphabet, size_t length) {
  std::string out;
  unsigned char bytes[64];
  while (out.size() < length) {
    if (RAND_bytes(bytes, sizeof(bytes)) != 1) continue;
    for (unsigned char byte : bytes) {
      // Rejection sampling keeps every character equally likely.
      if (byte >= 256 - 256 % alphabet.size()) continue;
      out += alphabet[byte % alphabet.size()];
      if (out.size() == length) break;
    }
  }
  return out;
}

// Read an AWS-style credentials file ("aws_access_key_id = ..." lines).
Result<auth::Credentials> ReadCredentialsFile(const fs::path& path) {
  std::ifstream in(path);
  if (!in) return absl::NotFoundError("cannot read " + path.string());
  auth::Credentials credentials;
  std::string line;
  while (std::getline(in, line)) {
    size_t eq = line.find('=');
    if (eq == std::string::npos) continue;
    auto trim = [](std::string text) {
      size_t first = text.find_first_not_of(" \t\r");
      size_t last = text.find_last_not_of(" \t\r");
      return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
    };
    std::string name = trim(line.substr(0, eq)), value = trim(line.substr(eq + 1));
    if (name == "aws_access_key_id") credentials.access_key_id = value;
    if (name == "aws_secret_access_key") credentials.secret_access_key = value;
  }
  if (credentials.access_key_id.empty() || credentials.secret_access_key.empty()) {
    return absl::InvalidArgumentError(path.string() + " does not hold aws_access_key_id and aws_secret_access_key");
  }
  return credentials;
}

// Credentials from the environment, else <data-dir>/credentials, else a new pair stored there (0600).
Result<auth::Credentials> LoadOrCreateCredentials(const fs::path& data_dir) {
  const char* env_id = std::getenv("OPENAML_ACCESS_KEY_ID");
  const char* env_secret = std::getenv("OPENAML_SECRET_ACCESS_KEY");
  if (env_id && env_secret && *env_id && *env_secret) {
    std::cout << "openaml credentials: from OPENAML_ACCESS_KEY_ID / OPENAML_SECRET_ACCESS_KEY (access key "
              << env_id << ")\n";
    return auth::Credentials{env_id, env_secret};
  }
  fs::path path = data_dir / "credentials";
  if (fs::exists(path)) {
    auto credentials = ReadCredentialsFile(path);
    if (credentials.ok()) {
      std::cout << "openaml credentials: from " << path.string() << " (access key " << credentials->access_key_id
                << ")\n";
    }
    return credentials;
  }
  auth::Credentials credentials{"OA" + RandomString("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 18),
                                RandomString("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/", 40)};
  fs::path temporary = path;
  temporary += ".tmp";
  {
    // Create with 0600 from the start: the secret never sits in a world-readable file.
    FILE* file = std::fopen(temporary.c_str(), "w");
    if (file == nullptr) return absl::PermissionDeniedError("cannot write " + temporary.string());
    ::chmod(temporary.c_str(), 0600);
    std::fprintf(file, "# openaml credentials (AWS credentials-file format; use as AWS_SHARED_CREDENTIALS_FILE)\n"
                       "[default]\naws_access_key_id = %s\naws_secret_access_key = %s\n",
                 credentials.access_key_id.c_str(), credentials.secret_access_key.c_str());
    std::fclose(file);
  }
  std::error_code ec;
  fs::rename(temporary, path, ec);
  if (ec) return absl::PermissionDeniedError("cannot write " + path.string() + ": " + ec.message());
  std::cout << "openaml credentials: generated and stored in " << path.string() << " (mode 0600)\n"
            << "  AWS_ACCESS_KEY_ID=" << credentials.access_key_id << "\n"
            << "  AWS_SECRET_ACCESS_KEY=" << credentials.secret_access_key << "\n";
  return credentials;
}

Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& listen) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos) return absl::InvalidArgumentError("--listen must be HOST:PORT");
  std::string host = listen.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = -1;
  try {
    size_t used = 0;
    port = std::stoi(listen.substr(colon + 1), &used);
    if (used != listen.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
    port = -1;
  }
  if (host.empty() || port < 0 || port > 65535) return absl::InvalidArgumentError("--listen must be HOST:PORT");
  return std::make_pair(host, static_cast<uint16_t>(port));
}

// Host name of a URL such as "http://ml.example.com:8600/".
std::string UrlHost(std::string_view url) {
  size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) url.remove_prefix(scheme + 3);
  url = url.substr(0, url.find('/'));
  return std::string(url.substr(0, url.rfind(':') == std::string_view::npos ? url.size() : url.rfind(':')));
}

// Create bucket aml-sample-data holding the regular files of `dir` (keys relative to it), for `make run`.
Status BootstrapExample(storage::ObjectStore& store, const fs::path& dir) {
  constexpr std::string_view kBucket = "aml-sample-data";
  Status created = store.CreateBucket(kBucket);
  if (!created.ok() && created.code() != absl::StatusCode::kAlreadyExists) return created;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::string key = fs::relative(it->path(), dir).generic_string();
    OPENAML_ASSIGN_OR_RETURN(auto writer, store.PutObject(kBucket, key, storage::PutOptions{}));
    std::ifstream in(it->path(), std::ios::binary);
    std::vector<char> buffer(1 << 16);
    while (in) {
      in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      if (in.gcount() > 0) OPENAML_RETURN_IF_ERROR(writer->Write(std::string_view(buffer.data(), in.gcount())));
    }
    OPENAML_RETURN_IF_ERROR(writer->Commit());
    std::cout << "bootstrap: s3://" << kBucket << "/" << key << "\n";
  }
  if (ec) return absl::NotFoundError("cannot read " + dir.string() + ": " + ec.message());
  return absl::OkStatus();
}

int RunServe(const ServeArgs& args) {
  InitLogging(ParseLogLevel(args.log_level));
  fs::path data_dir(args.data_dir);
  std::error_code ec;
  for (const char* sub : {"", "objects", "uploads", "models", "cache", "tmp"}) {
    fs::create_directories(data_dir / sub, ec);
    if (ec) {
      std::cerr << "openaml serve: cannot create " << (data_dir / sub).string() << ": " << ec.message() << "\n";
      return 73;
    }
  }
  auto listen = ParseListen(args.listen);
  if (!listen.ok()) {
    std::cerr << "openaml serve: " << listen.status().message() << "\n";
    return 64;
  }
  auto credentials = LoadOrCreateCredentials(data_dir);
  if (!credentials.ok()) {
    std::cerr << "openaml serve: " << credentials.status().message() << "\n";
    return 73;
  }
  auto store = storage::LocalObjectStore::Make(data_dir.string());
  if (!store.ok()) {
    std::cerr << "openaml serve: cannot open the object store: " << store.status().message() << "\n";
    return 73;
  }
  if (!args.bootstrap_example.empty()) {
    Status bootstrapped = BootstrapExample(**store, args.bootstrap_example);
    if (!bootstrapped.ok()) {
      std::cerr << "openaml serve: --bootstrap-example: " << bootstrapped.message() << "\n";
      return 66;
    }
  }

  http::ServerOptions options;
  options.host = listen->first;
  options.port = listen->second;
  options.threads = args.threads;
  if (!args.public_url.empty()) options.virtual_host_bases.push_back(UrlHost(args.public_url));
  options.console_dir = args.console_dir;
  if (options.console_dir.empty()) {
    std::error_code ec;
    fs::path exe = fs::canonical("/proc/self/exe", ec);
    if (!ec) options.console_dir = (exe.parent_path() / "console-dist").string();
  }
  auto server = http::Server::Make(options, *credentials, **store);
  if (!server.ok()) {
    std::cerr << "openaml serve: " << server.status().message() << "\n";
    return 69;
  }

  // ---- The Amazon ML JSON API is registered here (service/ wires its handler; spec §2.1). ----
  service::MlApiOptions ml_options;
  ml_options.data_dir = data_dir.string();
  ml_options.objects = store->get();
  ml_options.databases_file = args.databases_file;
  // Real-time EndpointUrl (spec §2.6, §12.1): --public-url, else the listen address (a wildcard address is not a
  // URL clients can use: then the Host header of CreateRealtimeEndpoint decides).
  if (!args.public_url.empty()) {
    ml_options.public_url = args.public_url;
  } else if (listen->first != "0.0.0.0" && listen->first != "::") {
    std::string url_host = listen->first.find(':') != std::string::npos ? "[" + listen->first + "]" : listen->first;
    ml_options.public_url = "http://" + url_host + ":" + std::to_string((*server)->port());
  }
  // LogUri: a presigned GET of the log object (SigV4 query form, 7 days) for the server's credentials.
  ml_options.presign = [credentials = *credentials, region = options.region](const service::PresignRequest& r) {
    std::string path = "/" + auth::UriEncode(r.bucket, true) + "/" + auth::UriEncode(r.key, false);
    std::string host = r.host.empty() ? "localhost" : std::string(r.host);
    auth::SigningOptions signing;
    signing.region = region;
    signing.service = "s3";
    auto query = auth::PresignQuery(credentials, "GET", path, "", host, 7 * 24 * 3600, signing);
    return "http://" + host + path + (query.ok() ? "?" + *query : "");
  };
  auto ml_api = service::MlApi::Make(std::move(ml_options));
  if (!ml_api.ok()) {
    std::cerr << "openaml serve: cannot start the Amazon ML API: " << ml_api.status().message() << "\n";
    return 73;
  }
  (*server)->RegisterJsonApi("AmazonML_20141212", (*ml_api)->AsHandler(), "machinelearning");
  (*server)->RegisterJsonApi("OpenAML_20241201", (*ml_api)->AsHandler(), "machinelearning");
  // ----------------------------------------------------------------------------------------------

  std::string host = listen->first.find(':') != std::string::npos ? "[" + listen->first + "]" : listen->first;
  std::cout << "openaml listening on http://" << host << ":" << (*server)->port() << "\n"
            << "  console:  http://" << host << ":" << (*server)->port() << "/console/\n"
            << "  AWS CLI:  aws --endpoint-url http://" << host << ":" << (*server)->port() << " s3 ls" << std::endl;
  spdlog::info("serving data_dir={} listen={}:{} threads={}", data_dir.string(), listen->first, (*server)->port(),
               args.threads);
  Status run = (*server)->Run();
  if (!run.ok()) {
    std::cerr << "openaml serve: " << run.message() << "\n";
    return 70;
  }
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app) {
  auto args = std::make_shared<ServeArgs>();
  CLI::App* serve = app.add_subcommand("serve", "Serve the S3-compatible object API and the Amazon ML API");
  serve->add_option("--data-dir", args->data_dir, "Data directory (objects, metadata, credentials)")
      ->capture_default_str();
  serve->add_option("--listen", args->listen, "HOST:PORT to listen on (port 0: any free port)")
      ->capture_default_str();
  serve->add_option("--public-url", args->public_url, "URL clients use to reach this server");
  serve->add_option("--threads", args->threads, "I/O threads (0: one per core)")->capture_default_str();
  serve->add_option("--bootstrap-example", args->bootstrap_example,
                    "Create bucket aml-sample-data holding the files of this directory");
  serve->add_option("--console-dir", args->console_dir, "Built web console to serve under /console/");
  serve->add_option("--databases", args->databases_file, "Named database connections (docs/databases.md)");
  serve->add_option("--log-level", args->log_level, "debug | info | warn | error | off")->capture_default_str();
  serve->callback([args] { SetExitCode(RunServe(*args)); });
}

}  // namespace openaml::cli
