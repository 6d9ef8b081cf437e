import { Logger } from '@nestjs/common';

// Unit specs assert on behaviour, not on log lines: keep their output readable.
Logger.overrideLogger(false);
