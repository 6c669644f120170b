from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.problem import Problem
from ...models.program_definition_in import ProgramDefinitionIn
from ...models.program_out import ProgramOut
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    body: ProgramDefinitionIn,
    dry_run: bool | Unset = False,
    idempotency_key: str,

) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    headers["Idempotency-Key"] = idempotency_key



    

    params: dict[str, Any] = {}

    params["dry_run"] = dry_run


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/program",
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | ProgramOut | None:
    if response.status_code == 201:
        response_201 = ProgramOut.from_dict(response.json())



        return response_201

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())



        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())



        return response_409

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | ProgramOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    body: ProgramDefinitionIn,
    dry_run: bool | Unset = False,
    idempotency_key: str,

) -> Response[Problem | ProgramOut]:
    """ Create Program From Definition

     Create the store's program from a definition (settings, policies, tiers, rewards, campaigns, rules).

    Args:
        dry_run (bool | Unset): Check only; write nothing Default: False.
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).
        body (ProgramDefinitionIn): A whole program: what `loyalty program init FILE` reads, as
            JSON.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProgramOut]
     """


    kwargs = _get_kwargs(
        body=body,
dry_run=dry_run,
idempotency_key=idempotency_key,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    body: ProgramDefinitionIn,
    dry_run: bool | Unset = False,
    idempotency_key: str,

) -> Problem | ProgramOut | None:
    """ Create Program From Definition

     Create the store's program from a definition (settings, policies, tiers, rewards, campaigns, rules).

    Args:
        dry_run (bool | Unset): Check only; write nothing Default: False.
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).
        body (ProgramDefinitionIn): A whole program: what `loyalty program init FILE` reads, as
            JSON.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ProgramOut
     """


    return sync_detailed(
        client=client,
body=body,
dry_run=dry_run,
idempotency_key=idempotency_key,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    body: ProgramDefinitionIn,
    dry_run: bool | Unset = False,
    idempotency_key: str,

) -> Response[Problem | ProgramOut]:
    """ Create Program From Definition

     Create the store's program from a definition (settings, policies, tiers, rewards, campaigns, rules).

    Args:
        dry_run (bool | Unset): Check only; write nothing Default: False.
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).
        body (ProgramDefinitionIn): A whole program: what `loyalty program init FILE` reads, as
            JSON.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | ProgramOut]
     """


    kwargs = _get_kwargs(
        body=body,
dry_run=dry_run,
idempotency_key=idempotency_key,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    body: ProgramDefinitionIn,
    dry_run: bool | Unset = False,
    idempotency_key: str,

) -> Problem | ProgramOut | None:
    """ Create Program From Definition

     Create the store's program from a definition (settings, policies, tiers, rewards, campaigns, rules).

    Args:
        dry_run (bool | Unset): Check only; write nothing Default: False.
        idempotency_key (str): Required on every request that changes state (IETF Idempotency-Key
            draft). A retry with the same key and body gets the original answer; another body is
            refused (422).
        body (ProgramDefinitionIn): A whole program: what `loyalty program init FILE` reads, as
            JSON.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | ProgramOut
     """


    return (await asyncio_detailed(
        client=client,
body=body,
dry_run=dry_run,
idempotency_key=idempotency_key,

    )).parsed
