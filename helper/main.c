#include <stdio.h>
#include "config.h"
int main(void) { puts("mesos-docker-helper " MD_VERSION); return 0; }
