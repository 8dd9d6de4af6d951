// Intercept Watch's own script. Pages work without it; it only adds conveniences.
// No inline scripts anywhere: the Content-Security-Policy allows scripts from this origin only.
"use strict";
