/**
 * The IANA zone a phone number most likely rings in, when the client did not give a timezone.
 * One zone per country, except in North America where the area code decides (a wrong guess
 * there would put a call outside quiet hours). Anything unknown stays null rather than guessed.
 */
const COUNTRY_ZONES: Record<string, string> = {
  AE: 'Asia/Dubai', AR: 'America/Argentina/Buenos_Aires', AT: 'Europe/Vienna', AU: 'Australia/Sydney', BE: 'Europe/Brussels',
  BG: 'Europe/Sofia', BR: 'America/Sao_Paulo', CH: 'Europe/Zurich', CL: 'America/Santiago', CN: 'Asia/Shanghai',
  CO: 'America/Bogota', CZ: 'Europe/Prague', DE: 'Europe/Berlin', DK: 'Europe/Copenhagen', EE: 'Europe/Tallinn',
  EG: 'Africa/Cairo', ES: 'Europe/Madrid', FI: 'Europe/Helsinki', FR: 'Europe/Paris', GB: 'Europe/London',
  GR: 'Europe/Athens', HK: 'Asia/Hong_Kong', HR: 'Europe/Zagreb', HU: 'Europe/Budapest', ID: 'Asia/Jakarta',
  IE: 'Europe/Dublin', IL: 'Asia/Jerusalem', IN: 'Asia/Kolkata', IS: 'Atlantic/Reykjavik', IT: 'Europe/Rome',
  JP: 'Asia/Tokyo', KE: 'Africa/Nairobi', KR: 'Asia/Seoul', LT: 'Europe/Vilnius', LU: 'Europe/Luxembourg',
  LV: 'Europe/Riga', MA: 'Africa/Casablanca', MX: 'America/Mexico_City', MY: 'Asia/Kuala_Lumpur', NG: 'Africa/Lagos',
  NL: 'Europe/Amsterdam', NO: 'Europe/Oslo', NZ: 'Pacific/Auckland', PE: 'America/Lima', PH: 'Asia/Manila',
  PK: 'Asia/Karachi', PL: 'Europe/Warsaw', PT: 'Europe/Lisbon', RO: 'Europe/Bucharest', RS: 'Europe/Belgrade',
  SA: 'Asia/Riyadh', SE: 'Europe/Stockholm', SG: 'Asia/Singapore', SI: 'Europe/Ljubljana', SK: 'Europe/Bratislava',
  TH: 'Asia/Bangkok', TR: 'Europe/Istanbul', TW: 'Asia/Taipei', UA: 'Europe/Kyiv', VN: 'Asia/Ho_Chi_Minh',
  ZA: 'Africa/Johannesburg',
};

const NANP_AREA_ZONES: Array<[string, string]> = [
  ['America/Los_Angeles', '206 209 213 253 310 323 341 350 360 408 415 424 425 442 503 509 510 530 541 559 562 564 619 626 628 650 657 661 669 702 707 714 725 747 760 775 805 818 831 858 909 916 925 949 951 971 236 250 604 672 778'],
  ['America/Denver', '208 303 307 385 406 435 505 575 719 720 801 970 986 403 587 780 825'],
  ['America/Phoenix', '480 520 602 623 928'],
  ['America/Chicago', '205 210 214 217 218 219 224 225 228 251 254 256 262 269 270 281 309 312 314 316 318 319 320 325 331 337 346 361 364 402 405 409 414 417 430 432 456 469 479 501 504 507 512 515 531 539 563 573 580 601 608 612 615 618 620 630 636 641 651 660 662 682 708 712 713 715 726 731 737 763 769 773 779 785 806 815 816 817 830 832 847 870 872 901 903 913 915 918 920 931 936 940 952 956 972 979 985 204 306 431 639'],
  ['America/Anchorage', '907'],
  ['Pacific/Honolulu', '808'],
  ['America/Halifax', '782 902'],
  ['America/St_Johns', '709'],
];
const NANP: Map<string, string> = new Map(NANP_AREA_ZONES.flatMap(([zone, codes]) => codes.split(' ').map((code) => [code, zone] as [string, string])));

/** `e164` like +14155550123, `country` its ISO region. */
export function timezoneForPhone(e164: string, country: string | null | undefined): string | null {
  if (e164.startsWith('+1') && (country === 'US' || country === 'CA')) {
    return NANP.get(e164.slice(2, 5)) ?? (country === 'CA' ? 'America/Toronto' : 'America/New_York');
  }
  return country ? (COUNTRY_ZONES[country] ?? null) : null;
}
