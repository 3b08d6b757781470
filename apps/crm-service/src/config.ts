import { Transform } from 'class-transformer';
import { IsInt, Min } from 'class-validator';
import { ServiceConfig, toInt } from '@engage/config';

/** crm-service settings: the shared service settings (see libs/config), the purge and the import sweep. */
export class CrmConfig extends ServiceConfig {
  override PORT = 3002;

  /** How often contacts deleted longer ago than the restore window are erased (one hour). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  PURGE_INTERVAL_MS = 3_600_000;

  /**
   * An import upload that delivered no chunk for this long was abandoned (its client or gateway
   * died mid-upload): its job and chunks are deleted (15 minutes).
   */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  IMPORT_ABANDONED_AFTER_MS = 900_000;

  /** How often abandoned import uploads are looked for (one minute). */
  @Transform(toInt)
  @IsInt()
  @Min(1000)
  IMPORT_SWEEP_INTERVAL_MS = 60_000;
}
