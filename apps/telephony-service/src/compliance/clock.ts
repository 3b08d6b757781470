import { Injectable } from '@nestjs/common';

/** The time the compliance rules are decided at; tests give a fixed one (quiet hours, 24-hour caps). */
@Injectable()
export class Clock {
  now(): Date {
    return new Date();
  }
}
