// Listening sockets for the unit tests' small servers: TCP on 127.0.0.1 (a port the
// kernel picks) or a unix socket at a path (replacing what was there).
#pragma once

#include <arpa/inet.h>
#include <cppunit/extensions/HelperMacros.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace dt {

// A listening TCP socket on 127.0.0.1; its port in *port.
inline int ListenLoopback(int* port) {
  const int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  CPPUNIT_ASSERT(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  CPPUNIT_ASSERT(listen(fd, 4) == 0);
  return fd;
}

// A listening unix socket at `path`.
inline int ListenUnix(const std::string& path) {
  const int fd = socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  unlink(path.c_str());
  snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
  CPPUNIT_ASSERT(bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  CPPUNIT_ASSERT(listen(fd, 4) == 0);
  return fd;
}

}  // namespace dt
