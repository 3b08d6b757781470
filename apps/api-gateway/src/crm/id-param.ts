import { ApiProperty } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';

/** `:id` path parameters: a malformed id is a 400 before anything is asked of a service. */
export class IdParam {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  id: string;
}
