/**
# A tiny chapter

Prose with math $a = b^2$.
*/
#include <stdio.h>

// an ordinary comment stays code
int main(void)
{
    /**
     * an indented doc comment is code too
     */
    printf("hello\n");
    return 0;
}
/**
The run printed:

```{.output file="tiny" grep="hello"}
```

and up to that line:

```{.output file="tiny" to="hello"}
```

![A figure.](figures/tiny/plot)
*/
