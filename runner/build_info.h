/* Facts about this build, for `vpbench --version` and the build_git
 * provenance in env.csv: the release version (VP_VERSION, from
 * CMakeLists.txt) and the `git describe --always --dirty` of the source
 * tree, captured at build time ("unknown" outside a git checkout). The
 * definition is generated into the build folder by ci/build-info.cmake. */
#ifndef VP_BUILD_INFO_H
#define VP_BUILD_INFO_H

extern const char vp_git_describe[];

#endif
