// Package deploytest checks the deployment description (docker-compose.yml, Dockerfile)
// against README.md, since no Docker engine runs where motcua is developed and tested.
package deploytest
