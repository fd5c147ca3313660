/* Facts about this build, for `vpbench --version`: the release version
 * (VP_VERSION, from CMakeLists.txt) and the `git describe --always --dirty`
 * of the source tree, captured at build time ("unknown" outside a git
 * checkout). The definition is generated into the build folder by
 * ci/build-info.cmake and linked into the vpbench binary only. */
#ifndef VP_BUILD_INFO_H
#define VP_BUILD_INFO_H

extern const char vp_git_describe[];

#endif
