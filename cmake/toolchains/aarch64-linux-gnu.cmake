# Cross-compiling the core (and the Node addon) for 64-bit ARM Linux with Debian's cross toolchain
# (apt: g++-aarch64-linux-gnu). Test executables run under qemu-user (apt: qemu-user), so ctest on an x86-64
# machine executes the NEON kernels for real.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)

set(CE_CROSS_TRIPLE aarch64-linux-gnu)
set(CMAKE_C_COMPILER ${CE_CROSS_TRIPLE}-gcc)
set(CMAKE_CXX_COMPILER ${CE_CROSS_TRIPLE}-g++)
set(CMAKE_STRIP ${CE_CROSS_TRIPLE}-strip)

# Target libraries and headers live under /usr/aarch64-linux-gnu; programs (cmake, node) are the host's.
set(CMAKE_FIND_ROOT_PATH /usr/${CE_CROSS_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)

set(CMAKE_CROSSCOMPILING_EMULATOR qemu-aarch64;-L;/usr/${CE_CROSS_TRIPLE})
