/**
 * The JSON shapes of the API as types, for its OpenAPI document only: the routes name them ({@code type},
 * {@code responseModel}) and camel-openapi-java turns them into schemas. The answers themselves are written by
 * {@link hukz.api.Views}; the API tests check every answer they receive against these schemas.
 */
package hukz.api.schema;
