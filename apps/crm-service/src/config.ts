import { Transform } from 'class-transformer';
import { IsInt, Min } from 'class-validator';
import { ServiceConfig, toInt } from '@engage/config';

/** crm-service settings: the shared service settings (see libs/config), and the purge interval. */
export class CrmConfig extends ServiceConfig {
  override PORT = 3002;

  /** How often contacts deleted longer ago than the restore window are erased (one hour). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  PURGE_INTERVAL_MS = 3_600_000;
}
