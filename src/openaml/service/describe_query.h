// The query behind the four Describe* operations (spec §3.6): one FilterVariable with any of EQ, GT, LT, GE, LE,
// NE, Prefix (ANDed), SortOrder, Limit 1-100 and an opaque NextToken.
//
// Decisions for the spec's gaps: comparators without FilterVariable are InvalidInputException; the sort key is
// FilterVariable (CreatedAt when absent), then the entity ID; without SortOrder the order is descending when no
// FilterVariable is given (newest first) and ascending otherwise; CreatedAt / LastUpdatedAt comparisons take
// epoch seconds ("1427864874.227") or ISO-8601 UTC ("2015-04-01T05:07:54Z"); DELETED entities are left out
// unless the request filters Status EQ DELETED (spec §1.6). NextToken encodes the sort key and ID of the last
// item returned, so the next page starts strictly after it: stable while entities are added.
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "openaml/common/status.h"
#include "openaml/service/request.h"

namespace openaml::service {

/// One FilterVariable value and where it reads from an entity document.
struct FilterField {
  std::string_view variable;  // "IAMUser"
  std::string_view member;    // "CreatedByIamUser"
  std::string_view nested;    // a member inside `member` ("EndpointStatus" of "EndpointInfo"), or empty
  bool is_time = false;       // stored as epoch milliseconds
};

/// Run a Describe* request over `documents` (stored documents of one kind; `id_member` names their ID). Returns
/// the selected page's documents and the next token (empty when this is the last page).
struct DescribePage {
  std::vector<const nlohmann::json*> items;
  std::string next_token;
};
Result<DescribePage> RunDescribeQuery(const Request& request, const std::vector<FilterField>& fields,
                                      std::string_view id_member, const std::vector<nlohmann::json>& documents);

/// Parse a time comparator value into epoch milliseconds (epoch seconds or ISO-8601 UTC).
Result<int64_t> ParseTimeValue(std::string_view text);

}  // namespace openaml::service
