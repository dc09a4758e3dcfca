// libyaml through a header-only shim.
#pragma once
#include <yaml.h>
