// Swagger UI on hukz's own OpenAPI document. X-User and the bearer token are entered per request ("Try it out").
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: "BaseLayout"
});
