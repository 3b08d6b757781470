import { Controller, Get, Header } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { JwksStore } from './jwks.store';
import { Public } from './route-access.decorator';

@ApiTags('auth')
@Controller('.well-known')
export class JwksController {
  constructor(private readonly jwks: JwksStore) {}

  /** Public keys for verifying Engage access tokens (EdDSA), for integrations that verify locally. */
  @Public()
  @Get('jwks.json')
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({ summary: 'Public keys that verify Engage access tokens (JWKS)' })
  @ApiOkResponse({ description: 'JSON Web Key Set' })
  keys() {
    return this.jwks.publicKeys();
  }
}
