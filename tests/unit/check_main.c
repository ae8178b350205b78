#include "check_run.h"

int main(void)
{
        return check_run(unit_suite());
}
