#pragma once
// A base port N such that N+1..N+count are free on 127.0.0.1 right now (for tests of fixed
// port layouts; another process may still take one before the test binds it).
namespace runhub::test {

int free_port_base(int count = 5);

}  // namespace runhub::test
