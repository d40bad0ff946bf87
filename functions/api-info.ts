/** The API's title and version, in a module of their own: the platform function reads them without loading every route table. */
export const API_TITLE = 'Vietnam provincial digital-government platform API';
export const API_VERSION = '0.1.0';
