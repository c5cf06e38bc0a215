/* version.h: the release all three programs report with --version. */
#ifndef INTAKE_VERSION_H
#define INTAKE_VERSION_H

#define INTAKE_VERSION "0.2.0"

#endif
