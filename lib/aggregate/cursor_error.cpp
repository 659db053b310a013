#include "aggregate/cursor_error.hpp"

#include <string>

namespace runhub::aggregate {
namespace {

// boost::system::error_category's destructor is protected and non-virtual by design.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wnon-virtual-dtor"
class category final : public boost::system::error_category {
  public:
    const char* name() const noexcept override { return "runhub.cursor"; }
    std::string message(int ev) const override {
        switch (static_cast<cursor_error>(ev)) {
            case cursor_error::malformed:
                return "the cursor is malformed";
            case cursor_error::unknown_version:
                return "the cursor has an unknown version";
            case cursor_error::bad_signature:
                return "the cursor is not authentic";
            case cursor_error::query_mismatch:
                return "the cursor belongs to another query";
        }
        return "unknown cursor error";
    }
};
#pragma GCC diagnostic pop

}  // namespace

const boost::system::error_category& cursor_category() {
    static const category c;
    return c;
}

boost::system::error_code make_error_code(cursor_error e) {
    return {static_cast<int>(e), cursor_category()};
}

}  // namespace runhub::aggregate
